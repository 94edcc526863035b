// SPDX-License-Identifier: GPL-2.0
/*
 * vmxscope watch: enable the vmxscope trace events and stream trace_pipe,
 * then put every event's enable state (and tracing_on) back as it was.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define MAX_EVENTS	64
#define MAX_CHOSEN	8

static const char * const tracefs_dirs[] = {
	"/sys/kernel/tracing",
	"/sys/kernel/debug/tracing",
};

struct saved {
	char path[PATH_MAX];
	char val;		/* '0' or '1' */
};

/* Read after poll(), an opaque call: no volatile needed. */
static sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int read_char(const char *path, char *val)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, val, 1);
	close(fd);
	return n == 1 ? 0 : -EIO;
}

static int write_char(const char *path, char val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, &val, 1);
	close(fd);
	return n == 1 ? 0 : -errno;
}

/* Every events/vmxscope/<event>/enable and tracing_on, with its value. */
static int save_state(const char *tracefs, struct saved *s, int max)
{
	char dir[PATH_MAX / 2];
	struct dirent *d;
	DIR *dp;
	int n = 0;

	snprintf(dir, sizeof(dir), "%s/events/vmxscope", tracefs);
	dp = opendir(dir);
	if (!dp)
		return -errno;
	while ((d = readdir(dp)) && n < max - 1) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(s[n].path, sizeof(s[n].path), "%s/%s/enable", dir,
			 d->d_name);
		if (!read_char(s[n].path, &s[n].val))
			n++;
	}
	closedir(dp);
	snprintf(s[n].path, sizeof(s[n].path), "%s/tracing_on", tracefs);
	if (!read_char(s[n].path, &s[n].val))
		n++;
	return n;
}

static void restore_state(const struct saved *s, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (write_char(s[i].path, s[i].val))
			fprintf(stderr, "vmxscope: cannot restore %s to %c\n",
				s[i].path, s[i].val);
}

/* The kernel symbol of field @key (e.g. "rip=") of a trace line, or false. */
static bool field_symbol(const char *line, const char *key, char *buf,
			 size_t size)
{
	const char *p = strstr(line, key);

	return p && ksym_describe(strtoull(p + strlen(key), NULL, 16), buf,
				  size);
}

/*
 * Memory events name where they came from and what they touched as
 * kernel symbols: "rip_sym=func+0x17 addr_sym=modprobe_path+0x0".
 */
static void emit(char *line)
{
	char rip[160] = "", addr[160] = "";
	struct trace_line t;
	bool mem = strstr(line, "vmxscope_mem:");

	if (mem) {
		field_symbol(line, " rip=", rip, sizeof(rip));
		field_symbol(line, " gla=", addr, sizeof(addr));
	}
	if (!json) {
		printf("%s%s%s%s%s\n", line, rip[0] ? " rip_sym=" : "", rip,
		       addr[0] ? " addr_sym=" : "", addr);
		return;
	}
	json_open(NULL, '{');
	if (parse_trace_line(line, &t)) {
		json_str("line", line);
	} else {
		json_str("task", t.task);
		json_int("pid", t.pid);
		json_int("cpu", t.cpu);
		json_str("flags", t.flags[0] ? t.flags : NULL);
		json_raw("timestamp", t.timestamp);
		json_str("event", t.event);
		json_str("fields", t.fields);
		if (mem) {
			json_str("rip_sym", rip[0] ? rip : NULL);
			json_str("addr_sym", addr[0] ? addr : NULL);
		}
	}
	json_close('}');
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Stream trace_pipe until a signal or @deadline (0: none). */
static int stream(int fd, double deadline)
{
	static char buf[65536];
	size_t len = 0;

	while (!stop && !(deadline && now() >= deadline)) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		char *nl, *line;
		ssize_t n;

		if (poll(&p, 1, 200) <= 0)
			continue;
		n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0)
			return -errno;
		len += n;
		buf[len] = '\0';
		line = buf;
		while ((nl = strchr(line, '\n'))) {
			*nl = '\0';
			emit(line);
			line = nl + 1;
		}
		len -= line - buf;
		memmove(buf, line, len);
		if (len == sizeof(buf) - 1) {	/* a line longer than buf */
			emit(buf);
			len = 0;
		}
		if (!json)
			fflush(stdout);
		if (ferror(stdout))
			break;
	}
	return 0;
}

static const struct hint watch_hints[] = {
	{ ENOENT, "no such vmxscope trace event: is the module loaded, tracefs mounted (mount -t tracefs nodev /sys/kernel/tracing), the --event name right (exit, msr, io, exception, mem)?" },
	{ EACCES, "tracefs needs root" },
	{ EPERM, "tracefs needs root" },
	{ }
};

int cmd_watch(int argc, char **argv)
{
	static const struct option opts[] = {
		COMMON_OPTIONS,
		{ "seconds", required_argument, NULL, 's' },
		{ "event", required_argument, NULL, 'e' },
		{ }
	};
	struct saved saved[MAX_EVENTS];
	const char *chosen[MAX_CHOSEN];
	const char *tracefs = NULL;
	int nr_chosen = 0;
	char path[PATH_MAX];
	struct sigaction sa;
	uint32_t seconds = 0;
	double deadline = 0;
	int c, fd, n, ret;
	size_t i;

	optind = 0;
	while ((c = getopt_verb("watch", argc, argv, "hs:e:", opts)) != -1) {
		switch (c) {
		case 'h':
			return verb_help("watch");
		case 's':
			if (parse_u32(optarg, &seconds) || !seconds)
				return usage_error("watch", "bad number of seconds '%s'",
						   optarg);
			break;
		case 'e':
			if (nr_chosen == MAX_CHOSEN)
				return usage_error("watch", "at most %d --event", MAX_CHOSEN);
			if (!strncmp(optarg, "vmxscope_", 7))
				optarg += 7;
			if (!*optarg || strchr(optarg, '/') || strchr(optarg, '.'))
				return usage_error("watch", "bad event name '%s'", optarg);
			chosen[nr_chosen++] = optarg;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return usage_error("watch", "unexpected argument '%s'", argv[optind]);

	for (i = 0; i < ARRAY_SIZE(tracefs_dirs) && !tracefs; i++) {
		snprintf(path, sizeof(path), "%s/trace_pipe", tracefs_dirs[i]);
		if (!access(path, F_OK))
			tracefs = tracefs_dirs[i];
	}
	if (!tracefs)
		return fail("tracefs", ENOENT, watch_hints);

	n = save_state(tracefs, saved, ARRAY_SIZE(saved));
	if (n < 0) {
		snprintf(path, sizeof(path), "%s/events/vmxscope", tracefs);
		return fail(path, -n, watch_hints);
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: poll() returns */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);

	snprintf(path, sizeof(path), "%s/trace_pipe", tracefs);
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return fail(path, errno, watch_hints);

	ret = 0;
	if (!nr_chosen) {
		snprintf(path, sizeof(path), "%s/events/vmxscope/enable", tracefs);
		ret = write_char(path, '1');
	}
	for (i = 0; i < (size_t)nr_chosen && !ret; i++) {
		snprintf(path, sizeof(path), "%s/events/vmxscope/vmxscope_%s/enable",
			 tracefs, chosen[i]);
		ret = write_char(path, '1');
	}
	if (!ret) {
		snprintf(path, sizeof(path), "%s/tracing_on", tracefs);
		ret = write_char(path, '1');
	}
	if (ret) {
		restore_state(saved, n);
		close(fd);
		return fail(path, -ret, watch_hints);
	}
	if (!json)
		fprintf(stderr, "vmxscope: watching %s/events/vmxscope%s\n", tracefs,
			seconds ? "" : " (Ctrl-C to stop)");
	if (seconds)
		deadline = now() + seconds;
	ret = stream(fd, deadline);
	restore_state(saved, n);
	close(fd);
	if (ret)
		return fail("trace_pipe", -ret, NULL);
	return EXIT_SUCCESS;
}
