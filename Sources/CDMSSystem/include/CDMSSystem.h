#ifndef CDMSSYSTEM_H
#define CDMSSYSTEM_H

#include <spawn.h>

// GNU extensions that Glibc's Swift module leaves out.

/// pipe2(2) with O_CLOEXEC: both ends are close-on-exec from the start, so that a process spawned
/// at the same moment by another thread cannot inherit them. Returns 0, or -1 with errno set.
int dms_pipe_cloexec(int descriptors[2]);

/// posix_spawn_file_actions_addclosefrom_np(3): the spawned program gets no descriptor from
/// `lowest` up, whatever its close-on-exec flag. Returns 0 or an error number.
int dms_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *actions, int lowest);

#endif
