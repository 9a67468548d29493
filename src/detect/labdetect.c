/* `anycast lab detect`: placeholder until the lab measurement lands. */
#include <stdio.h>

#include "detect/detect.h"

int det_lab_main(int argc, char **argv)
{
	fprintf(stderr, "anycast lab detect: not yet\n");
	return 1;
}
