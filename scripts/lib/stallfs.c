// stallfs: a pass-through FUSE file system whose flushes (fsync, fdatasync) stall on demand, like the devices of edge nodes
// (eMMC, SD cards, shared SSDs) that take a flush in a millisecond most of the time and now and then in seconds.
//
//   stallfs BACKING MOUNTPOINT [--hold FILE] [--stalls MIN_S MAX_S EVERY_S] [--log FILE]
//
// Every operation is passed to BACKING. A flush does its real fsync/fdatasync first, then:
//   --hold FILE               waits while FILE exists (a test holds the device's flush, then lets it go);
//   --stalls MIN MAX EVERY    waits while a stall is on: stalls start at random moments, on average EVERY seconds apart
//                             (exponential gaps), and last between MIN and MAX seconds (uniform); every flush in a
//                             stall waits for its end, as on a device whose queue is stuck.
//   --log FILE                appends one line per stall ("stall <seconds>"), and per held flush one as it starts
//                             waiting ("holding 0") and one when it is let go ("held <seconds>").
// Runs in the foreground; stop it with `fusermount3 -u MOUNTPOINT` (or `umount -l`).
//
// Build: gcc -O2 -Wall -o stallfs stallfs.c $(pkg-config fuse3 --cflags --libs)   (Debian: fuse3, libfuse3-dev)
#define FUSE_USE_VERSION 31
#define _GNU_SOURCE
#include <fuse.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static char backing[PATH_MAX];
static const char *hold_file;
static const char *log_path;
static double stall_min, stall_max, stall_every;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static double stalled_until;

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static void sleep_s(double s) {
  if (s <= 0) return;
  struct timespec t = {(time_t)s, (long)((s - (time_t)s) * 1e9)};
  while (nanosleep(&t, &t) == -1 && errno == EINTR) {
  }
}

static void log_line(const char *what, double seconds) {
  if (!log_path) return;
  FILE *f = fopen(log_path, "a");
  if (!f) return;
  fprintf(f, "%s %.3f\n", what, seconds);
  fclose(f);
}

static void *stall_thread(void *arg) {
  (void)arg;
  unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();
  for (;;) {
    double gap = -log(1.0 - rand_r(&seed) / ((double)RAND_MAX + 1)) * stall_every;
    sleep_s(gap);
    double length = stall_min + (stall_max - stall_min) * (rand_r(&seed) / (double)RAND_MAX);
    pthread_mutex_lock(&lock);
    stalled_until = now_s() + length;
    pthread_mutex_unlock(&lock);
    log_line("stall", length);
    sleep_s(length);
  }
  return NULL;
}

// After the real flush: the device "stalls" before it reports the flush done.
static void stall_flush(void) {
  if (hold_file && access(hold_file, F_OK) == 0) {
    log_line("holding", 0);
    double started = now_s();
    while (access(hold_file, F_OK) == 0) sleep_s(0.005);
    log_line("held", now_s() - started);
  }
  pthread_mutex_lock(&lock);
  double until = stalled_until;
  pthread_mutex_unlock(&lock);
  sleep_s(until - now_s());
}

static void full(char out[PATH_MAX], const char *path) { snprintf(out, PATH_MAX, "%s%s", backing, path); }

#define FULL(p) \
  char p##_full[PATH_MAX]; \
  full(p##_full, p)

static int s_getattr(const char *path, struct stat *st, struct fuse_file_info *fi) {
  if (fi) return fstat(fi->fh, st) == -1 ? -errno : 0;
  FULL(path);
  return lstat(path_full, st) == -1 ? -errno : 0;
}

static int s_access(const char *path, int mask) {
  FULL(path);
  return access(path_full, mask) == -1 ? -errno : 0;
}

static int s_readlink(const char *path, char *buf, size_t size) {
  FULL(path);
  ssize_t n = readlink(path_full, buf, size - 1);
  if (n == -1) return -errno;
  buf[n] = 0;
  return 0;
}

static int s_readdir(const char *path, void *buf, fuse_fill_dir_t filler, off_t offset, struct fuse_file_info *fi,
                     enum fuse_readdir_flags flags) {
  (void)offset;
  (void)fi;
  (void)flags;
  FULL(path);
  DIR *dir = opendir(path_full);
  if (!dir) return -errno;
  struct dirent *e;
  while ((e = readdir(dir))) {
    struct stat st = {0};
    st.st_ino = e->d_ino;
    st.st_mode = e->d_type << 12;
    if (filler(buf, e->d_name, &st, 0, 0)) break;
  }
  closedir(dir);
  return 0;
}

static int s_mkdir(const char *path, mode_t mode) {
  FULL(path);
  return mkdir(path_full, mode) == -1 ? -errno : 0;
}

static int s_unlink(const char *path) {
  FULL(path);
  return unlink(path_full) == -1 ? -errno : 0;
}

static int s_rmdir(const char *path) {
  FULL(path);
  return rmdir(path_full) == -1 ? -errno : 0;
}

static int s_symlink(const char *from, const char *to) {
  FULL(to);
  return symlink(from, to_full) == -1 ? -errno : 0;
}

static int s_rename(const char *from, const char *to, unsigned int flags) {
  if (flags) return -EINVAL;
  FULL(from);
  FULL(to);
  return rename(from_full, to_full) == -1 ? -errno : 0;
}

static int s_link(const char *from, const char *to) {
  FULL(from);
  FULL(to);
  return link(from_full, to_full) == -1 ? -errno : 0;
}

static int s_chmod(const char *path, mode_t mode, struct fuse_file_info *fi) {
  if (fi) return fchmod(fi->fh, mode) == -1 ? -errno : 0;
  FULL(path);
  return chmod(path_full, mode) == -1 ? -errno : 0;
}

static int s_chown(const char *path, uid_t uid, gid_t gid, struct fuse_file_info *fi) {
  if (fi) return fchown(fi->fh, uid, gid) == -1 ? -errno : 0;
  FULL(path);
  return lchown(path_full, uid, gid) == -1 ? -errno : 0;
}

static int s_truncate(const char *path, off_t size, struct fuse_file_info *fi) {
  if (fi) return ftruncate(fi->fh, size) == -1 ? -errno : 0;
  FULL(path);
  return truncate(path_full, size) == -1 ? -errno : 0;
}

static int s_utimens(const char *path, const struct timespec ts[2], struct fuse_file_info *fi) {
  if (fi) return futimens(fi->fh, ts) == -1 ? -errno : 0;
  FULL(path);
  return utimensat(AT_FDCWD, path_full, ts, AT_SYMLINK_NOFOLLOW) == -1 ? -errno : 0;
}

static int s_create(const char *path, mode_t mode, struct fuse_file_info *fi) {
  FULL(path);
  int fd = open(path_full, fi->flags, mode);
  if (fd == -1) return -errno;
  fi->fh = fd;
  return 0;
}

static int s_open(const char *path, struct fuse_file_info *fi) {
  FULL(path);
  int fd = open(path_full, fi->flags);
  if (fd == -1) return -errno;
  fi->fh = fd;
  return 0;
}

static int s_read(const char *path, char *buf, size_t size, off_t offset, struct fuse_file_info *fi) {
  (void)path;
  ssize_t n = pread(fi->fh, buf, size, offset);
  return n == -1 ? -errno : (int)n;
}

static int s_write(const char *path, const char *buf, size_t size, off_t offset, struct fuse_file_info *fi) {
  (void)path;
  ssize_t n = pwrite(fi->fh, buf, size, offset);
  return n == -1 ? -errno : (int)n;
}

static int s_statfs(const char *path, struct statvfs *st) {
  FULL(path);
  return statvfs(path_full, st) == -1 ? -errno : 0;
}

static int s_flush(const char *path, struct fuse_file_info *fi) {
  (void)path;
  int fd = dup(fi->fh);
  if (fd == -1) return -errno;
  return close(fd) == -1 ? -errno : 0;
}

static int s_release(const char *path, struct fuse_file_info *fi) {
  (void)path;
  close(fi->fh);
  return 0;
}

static int s_fsync(const char *path, int datasync, struct fuse_file_info *fi) {
  (void)path;
  int result = datasync ? fdatasync(fi->fh) : fsync(fi->fh);
  if (result == -1) return -errno;
  stall_flush();
  return 0;
}

static int s_fallocate(const char *path, int mode, off_t offset, off_t length, struct fuse_file_info *fi) {
  (void)path;
  if (mode) return -EOPNOTSUPP;
  return -posix_fallocate(fi->fh, offset, length);
}

static void *s_init(struct fuse_conn_info *conn, struct fuse_config *cfg) {
  (void)conn;
  cfg->use_ino = 1;
  // The backing folder is the truth: no caching of attributes that would hide its size or free space.
  cfg->entry_timeout = 0;
  cfg->attr_timeout = 0;
  cfg->negative_timeout = 0;
  if (stall_every > 0) {
    pthread_t thread;
    pthread_create(&thread, NULL, stall_thread, NULL);
    pthread_detach(thread);
  }
  return NULL;
}

static const struct fuse_operations ops = {
    .init = s_init,
    .getattr = s_getattr,
    .access = s_access,
    .readlink = s_readlink,
    .readdir = s_readdir,
    .mkdir = s_mkdir,
    .symlink = s_symlink,
    .unlink = s_unlink,
    .rmdir = s_rmdir,
    .rename = s_rename,
    .link = s_link,
    .chmod = s_chmod,
    .chown = s_chown,
    .truncate = s_truncate,
    .utimens = s_utimens,
    .open = s_open,
    .create = s_create,
    .read = s_read,
    .write = s_write,
    .statfs = s_statfs,
    .flush = s_flush,
    .release = s_release,
    .fsync = s_fsync,
    .fallocate = s_fallocate,
};

static int usage(void) {
  fprintf(stderr, "usage: stallfs BACKING MOUNTPOINT [--hold FILE] [--stalls MIN_S MAX_S EVERY_S] [--log FILE]\n");
  return 2;
}

int main(int argc, char *argv[]) {
  if (argc < 3 || !realpath(argv[1], backing)) return usage();
  for (int i = 3; i < argc; i++) {
    if (!strcmp(argv[i], "--hold") && i + 1 < argc) {
      hold_file = argv[++i];
    } else if (!strcmp(argv[i], "--log") && i + 1 < argc) {
      log_path = argv[++i];
    } else if (!strcmp(argv[i], "--stalls") && i + 3 < argc) {
      stall_min = atof(argv[++i]);
      stall_max = atof(argv[++i]);
      stall_every = atof(argv[++i]);
      if (stall_min < 0 || stall_max < stall_min || stall_every <= 0) return usage();
    } else {
      return usage();
    }
  }

  umask(0);
  char *fuse_argv[] = {argv[0], argv[2], "-f", "-o", "fsname=stallfs,default_permissions", NULL};
  return fuse_main(5, fuse_argv, &ops, NULL);
}
