/* SPDX-License-Identifier: MIT */
/* libzkasic internals shared by its source files. */
#ifndef ZKASIC_RUNTIME_INTERNAL_H
#define ZKASIC_RUNTIME_INTERNAL_H

#include <stdint.h>

#include <zkasic/zkasic.h>

struct zk_device {
	int fd;
	struct zk_device_info info;
};

/* Record a message for zk_last_error() and return @err (a negative errno). */
int zk_fail(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int zk_fail_math(int zkm_err, const char *what);

/* ioctl that restarts on EINTR/EAGAIN; returns 0 or -errno. */
int zk_ioctl(int fd, unsigned long request, void *arg);

#endif
