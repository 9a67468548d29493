/* The built-in city table of lab topologies, and the delays derived from it.
 *
 * A lab link's default delay comes from the great-circle distance between its endpoints'
 * cities, so that a topology file says "paris" and "london" instead of a number of
 * milliseconds that its author would have to look up. Coordinates are the usual city-centre
 * ones (WGS 84, degrees, north and east positive), to about 0.01 degree: far more precise
 * than the delay model needs. Names are lowercase ASCII with '-' so that they are easy to
 * type in YAML; labels carry the proper spelling for reports. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "lab/topo.h"

static const struct lab_city cities[] = {
	/* North America */
	{ "new-york", "New York", 40.7128, -74.0060 },
	{ "boston", "Boston", 42.3601, -71.0589 },
	{ "washington", "Washington", 38.9072, -77.0369 },
	{ "ashburn", "Ashburn", 39.0438, -77.4874 },
	{ "atlanta", "Atlanta", 33.7490, -84.3880 },
	{ "miami", "Miami", 25.7617, -80.1918 },
	{ "chicago", "Chicago", 41.8781, -87.6298 },
	{ "dallas", "Dallas", 32.7767, -96.7970 },
	{ "denver", "Denver", 39.7392, -104.9903 },
	{ "seattle", "Seattle", 47.6062, -122.3321 },
	{ "san-francisco", "San Francisco", 37.7749, -122.4194 },
	{ "los-angeles", "Los Angeles", 34.0522, -118.2437 },
	{ "toronto", "Toronto", 43.6532, -79.3832 },
	{ "montreal", "Montréal", 45.5017, -73.5673 },
	{ "vancouver", "Vancouver", 49.2827, -123.1207 },
	{ "mexico-city", "Mexico City", 19.4326, -99.1332 },
	{ "honolulu", "Honolulu", 21.3069, -157.8583 },
	/* South America */
	{ "bogota", "Bogotá", 4.7110, -74.0721 },
	{ "lima", "Lima", -12.0464, -77.0428 },
	{ "santiago", "Santiago", -33.4489, -70.6693 },
	{ "buenos-aires", "Buenos Aires", -34.6037, -58.3816 },
	{ "sao-paulo", "São Paulo", -23.5505, -46.6333 },
	{ "rio-de-janeiro", "Rio de Janeiro", -22.9068, -43.1729 },
	{ "fortaleza", "Fortaleza", -3.7319, -38.5267 },
	/* Europe */
	{ "london", "London", 51.5074, -0.1278 },
	{ "dublin", "Dublin", 53.3498, -6.2603 },
	{ "reykjavik", "Reykjavík", 64.1466, -21.9426 },
	{ "paris", "Paris", 48.8566, 2.3522 },
	{ "marseille", "Marseille", 43.2965, 5.3698 },
	{ "brussels", "Brussels", 50.8503, 4.3517 },
	{ "amsterdam", "Amsterdam", 52.3676, 4.9041 },
	{ "frankfurt", "Frankfurt", 50.1109, 8.6821 },
	{ "hamburg", "Hamburg", 53.5511, 9.9937 },
	{ "berlin", "Berlin", 52.5200, 13.4050 },
	{ "munich", "Munich", 48.1351, 11.5820 },
	{ "zurich", "Zürich", 47.3769, 8.5417 },
	{ "milan", "Milan", 45.4642, 9.1900 },
	{ "rome", "Rome", 41.9028, 12.4964 },
	{ "madrid", "Madrid", 40.4168, -3.7038 },
	{ "lisbon", "Lisbon", 38.7223, -9.1393 },
	{ "vienna", "Vienna", 48.2082, 16.3738 },
	{ "prague", "Prague", 50.0755, 14.4378 },
	{ "warsaw", "Warsaw", 52.2297, 21.0122 },
	{ "copenhagen", "Copenhagen", 55.6761, 12.5683 },
	{ "stockholm", "Stockholm", 59.3293, 18.0686 },
	{ "oslo", "Oslo", 59.9139, 10.7522 },
	{ "helsinki", "Helsinki", 60.1699, 24.9384 },
	{ "athens", "Athens", 37.9838, 23.7275 },
	{ "bucharest", "Bucharest", 44.4268, 26.1025 },
	{ "istanbul", "Istanbul", 41.0082, 28.9784 },
	{ "kyiv", "Kyiv", 50.4501, 30.5234 },
	{ "moscow", "Moscow", 55.7558, 37.6173 },
	/* Middle East and Africa */
	{ "tel-aviv", "Tel Aviv", 32.0853, 34.7818 },
	{ "dubai", "Dubai", 25.2048, 55.2708 },
	{ "cairo", "Cairo", 30.0444, 31.2357 },
	{ "lagos", "Lagos", 6.5244, 3.3792 },
	{ "nairobi", "Nairobi", -1.2921, 36.8219 },
	{ "johannesburg", "Johannesburg", -26.2041, 28.0473 },
	{ "cape-town", "Cape Town", -33.9249, 18.4241 },
	/* Asia */
	{ "mumbai", "Mumbai", 19.0760, 72.8777 },
	{ "delhi", "Delhi", 28.7041, 77.1025 },
	{ "chennai", "Chennai", 13.0827, 80.2707 },
	{ "bangalore", "Bengaluru", 12.9716, 77.5946 },
	{ "singapore", "Singapore", 1.3521, 103.8198 },
	{ "kuala-lumpur", "Kuala Lumpur", 3.1390, 101.6869 },
	{ "jakarta", "Jakarta", -6.2088, 106.8456 },
	{ "bangkok", "Bangkok", 13.7563, 100.5018 },
	{ "manila", "Manila", 14.5995, 120.9842 },
	{ "hong-kong", "Hong Kong", 22.3193, 114.1694 },
	{ "taipei", "Taipei", 25.0330, 121.5654 },
	{ "shanghai", "Shanghai", 31.2304, 121.4737 },
	{ "beijing", "Beijing", 39.9042, 116.4074 },
	{ "seoul", "Seoul", 37.5665, 126.9780 },
	{ "tokyo", "Tokyo", 35.6762, 139.6503 },
	{ "osaka", "Osaka", 34.6937, 135.5023 },
	/* Oceania */
	{ "sydney", "Sydney", -33.8688, 151.2093 },
	{ "melbourne", "Melbourne", -37.8136, 144.9631 },
	{ "perth", "Perth", -31.9505, 115.8605 },
	{ "auckland", "Auckland", -36.8485, 174.7633 },
};

#define NCITIES (sizeof(cities) / sizeof(cities[0]))

/* IUGG mean Earth radius: the sphere that best fits the ellipsoid, within 0.5% everywhere. */
#define EARTH_RADIUS_KM 6371.0088
/* Light in fibre (refractive index about 1.47) covers about 200 km per millisecond. */
#define FIBRE_US_PER_KM 5.0
#define MIN_DELAY_US 100

const struct lab_city *lab_city_find(const char *name)
{
	/* Linear: under a hundred entries, looked up once per node of a topology file. */
	for (size_t i = 0; i < NCITIES; i++)
		if (strcmp(cities[i].name, name) == 0)
			return &cities[i];
	return NULL;
}

/* Levenshtein distance; both strings are short. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[40];

	if (la >= 40 || lb >= 40)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

const struct lab_city *lab_city_suggest(const char *name)
{
	const struct lab_city *near = NULL;
	size_t best = 3;        /* at most two typos: farther is a different word */

	for (size_t i = 0; i < NCITIES; i++) {
		size_t d = edit_distance(name, cities[i].name);

		if (d < best) {
			best = d;
			near = &cities[i];
		}
	}
	return near;
}

const struct lab_city *lab_cities(size_t *n)
{
	if (n)
		*n = NCITIES;
	return cities;
}

double lab_distance_km(const struct lab_city *a, const struct lab_city *b)
{
	/* Haversine: well conditioned for short distances, where the spherical law of cosines
	 * loses precision (Paris to London is 0.05 radian). */
	const double rad = M_PI / 180.0;
	double dlat = (b->lat - a->lat) * rad, dlon = (b->lon - a->lon) * rad;
	double s1 = sin(dlat / 2), s2 = sin(dlon / 2);
	double h = s1 * s1 + cos(a->lat * rad) * cos(b->lat * rad) * s2 * s2;

	if (h > 1.0)            /* rounding near antipodes */
		h = 1.0;
	return 2.0 * EARTH_RADIUS_KM * asin(sqrt(h));
}

uint32_t lab_city_delay_us(const struct lab_city *a, const struct lab_city *b)
{
	/* Cables do not follow great circles and routes are not straight: measured Internet
	 * paths are about 1.5 to 2 times longer than the geodesic, so the straight line times
	 * LAB_PATH_INFLATION. The floor keeps two routers in one city from being 0 us apart:
	 * netem and the demo's RTT table both expect a real, if small, delay. */
	double us = lab_distance_km(a, b) * LAB_PATH_INFLATION * FIBRE_US_PER_KM;

	if (us < MIN_DELAY_US)
		return MIN_DELAY_US;
	return (uint32_t)(us + 0.5);
}
