/* The city database of `anycast detect`: the GeoNames cities of Debian's libgeonames-dev
 * (about 24,000 places of 15,000 people or more; data CC BY 4.0, https://www.geonames.org/),
 * turned into generated C at build time by scripts/geonames.py (the library is GPL-3 and is
 * never linked). A disc on the map becomes a city through det_city_within. */
#ifndef DETECT_CITIES_H
#define DETECT_CITIES_H

#include <stddef.h>
#include <stdint.h>

struct det_city {
	const char *name; /* UTF-8, as GeoNames spells it */
	char cc[3];       /* ISO 3166 alpha-2 country code */
	double lat, lon;  /* degrees */
	uint32_t pop;
};

/* The generated table (build/gen/det_cities.c), sorted by increasing latitude. */
const struct det_city *det_city_table(size_t *n);

/* Great-circle distance in km between two points in degrees (haversine). */
double det_distance_km(double lat1, double lon1, double lat2, double lon2);

/* Calls fn for every city of the table within radius_km of (lat, lon), with its distance;
 * bisects the latitude band first, so a small disc costs a few dozen distance checks. */
void det_city_within(double lat, double lon, double radius_km,
		     void (*fn)(const struct det_city *c, double d_km, void *arg), void *arg);

/* The most populous city within radius_km of (lat, lon), or NULL: gives a lab city, which has
 * coordinates and no population, the population of the place it stands for. */
const struct det_city *det_city_near(double lat, double lon, double radius_km);

#endif
