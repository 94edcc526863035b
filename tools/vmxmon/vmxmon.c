// SPDX-License-Identifier: GPL-2.0
/*
 * vmxmon: command-line front end of /dev/vmxmon.
 *
 * Exit codes: 0 success, 1 the request failed, 2 bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vmxmon.h>

#define EXIT_USAGE	2
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static bool json;

static int open_dev(void)
{
	int fd = open(VMXMON_DEVICE, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		fprintf(stderr, "vmxmon: %s: %s%s\n", VMXMON_DEVICE,
			strerror(errno),
			errno == ENOENT ? " (is the module loaded?)" : "");
	return fd;
}

static int cmd_status(int argc, char **argv)
{
	struct vmxmon_info info;
	int fd;

	(void)argc;
	(void)argv;
	fd = open_dev();
	if (fd < 0)
		return EXIT_FAILURE;
	memset(&info, 0, sizeof(info));
	if (ioctl(fd, VMXMON_GET_INFO, &info)) {
		fprintf(stderr, "vmxmon: GET_INFO: %s\n", strerror(errno));
		close(fd);
		return EXIT_FAILURE;
	}
	close(fd);
	if (json)
		printf("{\"abi_version\": %u, \"cpus_online\": %u, \"cpus_virtualized\": %u, \"caps\": %llu}\n",
		       info.abi_version, info.nr_cpus_online,
		       info.nr_cpus_virt, (unsigned long long)info.caps);
	else
		printf("abi version:      %u\ncpus online:      %u\ncpus virtualized: %u\ncaps:             %#llx\n",
		       info.abi_version, info.nr_cpus_online,
		       info.nr_cpus_virt, (unsigned long long)info.caps);
	return EXIT_SUCCESS;
}

struct verb {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static const struct verb verbs[] = {
	{ "status", cmd_status, "show the module's ABI version and CPUs" },
};

static void print_usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: vmxmon [--json] <command> [args]\n\ncommands:\n");
	for (i = 0; i < ARRAY_SIZE(verbs); i++)
		fprintf(f, "  %-10s %s\n", verbs[i].name, verbs[i].help);
	fprintf(f, "\noptions:\n  --json     machine-readable output\n  -h, --help this text\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	size_t i;
	int c;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			print_usage(stdout);
			return EXIT_SUCCESS;
		default:
			print_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		print_usage(stderr);
		return EXIT_USAGE;
	}
	for (i = 0; i < ARRAY_SIZE(verbs); i++)
		if (!strcmp(argv[optind], verbs[i].name))
			return verbs[i].fn(argc - optind, argv + optind);
	fprintf(stderr, "vmxmon: unknown command '%s'\n", argv[optind]);
	print_usage(stderr);
	return EXIT_USAGE;
}
