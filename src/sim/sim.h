/* `anycast sim`: catchments of an anycast prefix on an AS graph or a lab topology. See
 * anycast(1) and DESIGN.md for the flags and output. */
#ifndef SIM_SIM_H
#define SIM_SIM_H

/* argv[0] is "sim". Returns the exit status: 0, 1 on bad input, 2 on bad usage. */
int sim_main(int argc, char **argv);

#endif
