/* Link delay by netem: see netem.h. */
#include "lab/netem.h"

#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>

int lab_netem_available(void)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return 0;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		/* a namespace of the child's own: its lo, the qdisc and all vanish with it */
		if (unshare(CLONE_NEWNET) < 0)
			_exit(1);
		execlp("tc", "tc", "qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms",
		       (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

void lab_netem_batch(const struct lab *l, size_t node, struct buf *b)
{
	const struct lab_topo *t = &l->topo;

	for (size_t k = 0; k < t->nlinks; k++) {
		const struct lab_link *lk = &t->links[k];
		const char *ifname = lk->a == node   ? lk->ifname_a
				     : lk->b == node ? lk->ifname_b
						     : NULL;

		/* limit: frames that may be in flight on the link, far above what a lab sends in
		 * one delay (netem's default, 1000, would drop a flood's frames at 200 ms) */
		if (ifname)
			buf_printf(b, "qdisc add dev %s root netem delay %uus limit 100000\n",
				   ifname, lk->delay_us);
	}
}
