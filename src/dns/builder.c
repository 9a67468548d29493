/* The builder thread. Jobs and disposals go in under a mutex; a finished build comes back
 * through an eventfd the event loop watches. */
#include "dns/builder.h"

#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "dns/zfile.h"
#include "lib/ev.h"
#include "lib/log.h"

#define DISPOSE_MAX 8

struct dns_builder {
	struct ev_loop *loop;
	dns_built_cb *cb;
	void *arg;
	int efd;
	pthread_t tid;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop;
	/* the job: set by the main thread, done set by the builder */
	int busy, queued, done;
	char *const *files;
	int nfiles;
	struct dns_ztext *t;
	int nt;
	struct dns_zoneset *result;
	char err[1024];
	struct dns_zoneset *dispose[DISPOSE_MAX];
	int ndispose;
};

/* A transferred zone's new text to disk: here, not on the main thread that serves TCP. */
static void save(struct dns_ztext *t)
{
	char err[600];

	t->saved = 0;
	if (!t->took_cand || !t->save)
		return;
	if (dns_zfile_save(t->save, t->cand, t->clen, err, sizeof(err)) < 0) {
		log_warn("secondary copy: %s", err);
		t->saved = -1;
	} else {
		t->saved = 1;
	}
}

static void *builder_main(void *arg)
{
	struct dns_builder *b = arg;

	pthread_mutex_lock(&b->mu);
	for (;;) {
		while (!b->stop && !b->queued && !b->ndispose)
			pthread_cond_wait(&b->cv, &b->mu);
		if (b->ndispose) {
			struct dns_zoneset *zs = b->dispose[--b->ndispose];

			pthread_mutex_unlock(&b->mu);
			dns_zoneset_free(zs);
			/* The old set's chunks went back to malloc; make malloc give the pages
			 * back, or RSS holds two sets after every reload. */
			malloc_trim(0);
			pthread_mutex_lock(&b->mu);
			continue;
		}
		if (b->queued) {
			b->queued = 0;
			pthread_mutex_unlock(&b->mu);
			char err[1024] = "";
			struct dns_zoneset *zs = dns_zoneset_build(b->files, b->nfiles, b->t, b->nt,
								   err, sizeof(err));

			for (int i = 0; zs && i < b->nt; i++)
				save(&b->t[i]);

			pthread_mutex_lock(&b->mu);
			b->result = zs;
			memcpy(b->err, err, sizeof(err));
			b->done = 1;
			uint64_t one = 1;

			if (write(b->efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
				log_warn("builder: eventfd: %s", strerror(errno));
			continue;
		}
		break; /* stop, and nothing left to do */
	}
	pthread_mutex_unlock(&b->mu);
	return NULL;
}

static void on_done(int fd, uint32_t events, void *arg)
{
	struct dns_builder *b = arg;
	uint64_t v;

	(void)events;
	if (read(fd, &v, sizeof(v)) < 0)
		return;
	pthread_mutex_lock(&b->mu);
	int done = b->done;
	struct dns_zoneset *zs = b->result;
	char err[1024];

	memcpy(err, b->err, sizeof(err));
	b->done = 0;
	b->result = NULL;
	pthread_mutex_unlock(&b->mu);
	if (!done)
		return;
	b->busy = 0;
	b->cb(zs, err, b->t, b->nt, b->arg);
}

struct dns_builder *dns_builder_new(struct ev_loop *loop, dns_built_cb *cb, void *arg)
{
	struct dns_builder *b = xcalloc(1, sizeof(*b));

	b->loop = loop;
	b->cb = cb;
	b->arg = arg;
	pthread_mutex_init(&b->mu, NULL);
	pthread_cond_init(&b->cv, NULL);
	b->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (b->efd < 0 || ev_io_add(loop, b->efd, EPOLLIN, on_done, b) < 0)
		fatal("builder: eventfd: %s", strerror(errno));
	/* The thread takes no signal: they belong to the main loop's signalfd. */
	sigset_t all, old;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	int e = pthread_create(&b->tid, NULL, builder_main, b);

	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e)
		fatal("builder: pthread_create: %s", strerror(e));
	return b;
}

int dns_builder_busy(const struct dns_builder *b) { return b->busy; }

int dns_builder_start(struct dns_builder *b, char *const *files, int n, struct dns_ztext *t, int nt)
{
	if (b->busy)
		return -1;
	pthread_mutex_lock(&b->mu);
	b->busy = b->queued = 1;
	b->files = files;
	b->nfiles = n;
	b->t = t;
	b->nt = nt;
	pthread_cond_signal(&b->cv);
	pthread_mutex_unlock(&b->mu);
	return 0;
}

void dns_builder_dispose(struct dns_builder *b, struct dns_zoneset *zs)
{
	if (!zs)
		return;
	pthread_mutex_lock(&b->mu);
	if (b->ndispose == DISPOSE_MAX) { /* cannot happen with one build at a time */
		pthread_mutex_unlock(&b->mu);
		dns_zoneset_free(zs);
		return;
	}
	b->dispose[b->ndispose++] = zs;
	pthread_cond_signal(&b->cv);
	pthread_mutex_unlock(&b->mu);
}

void dns_builder_free(struct dns_builder *b)
{
	if (!b)
		return;
	pthread_mutex_lock(&b->mu);
	b->stop = 1;
	pthread_cond_signal(&b->cv);
	pthread_mutex_unlock(&b->mu);
	pthread_join(b->tid, NULL);
	dns_zoneset_free(b->result);
	ev_io_del(b->loop, b->efd);
	close(b->efd);
	pthread_mutex_destroy(&b->mu);
	pthread_cond_destroy(&b->cv);
	free(b);
}
