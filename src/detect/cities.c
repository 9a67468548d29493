/* Lookups in the generated GeoNames table (see cities.h). */
#include <math.h>

#include "detect/cities.h"

/* IUGG mean Earth radius, as the lab uses. */
#define EARTH_RADIUS_KM 6371.0088
#define KM_PER_DEG_LAT (M_PI * EARTH_RADIUS_KM / 180.0)

double det_distance_km(double lat1, double lon1, double lat2, double lon2)
{
	const double rad = M_PI / 180.0;
	double s1 = sin((lat2 - lat1) * rad / 2), s2 = sin((lon2 - lon1) * rad / 2);
	double h = s1 * s1 + cos(lat1 * rad) * cos(lat2 * rad) * s2 * s2;

	if (h > 1.0)
		h = 1.0;
	return 2.0 * EARTH_RADIUS_KM * asin(sqrt(h));
}

/* First index whose latitude is >= lat. */
static size_t lower_bound(const struct det_city *t, size_t n, double lat)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t[mid].lat < lat)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void det_city_within(double lat, double lon, double radius_km,
		     void (*fn)(const struct det_city *c, double d_km, void *arg), void *arg)
{
	size_t n;
	const struct det_city *t = det_city_table(&n);
	double band = radius_km / KM_PER_DEG_LAT;

	for (size_t i = lower_bound(t, n, lat - band); i < n && t[i].lat <= lat + band; i++) {
		double d = det_distance_km(lat, lon, t[i].lat, t[i].lon);

		if (d <= radius_km)
			fn(&t[i], d, arg);
	}
}

struct near {
	const struct det_city *best;
};

static void keep_largest(const struct det_city *c, double d_km, void *arg)
{
	struct near *n = arg;

	if (!n->best || c->pop > n->best->pop)
		n->best = c;
}

const struct det_city *det_city_near(double lat, double lon, double radius_km)
{
	struct near n = { NULL };

	det_city_within(lat, lon, radius_km, keep_largest, &n);
	return n.best;
}
