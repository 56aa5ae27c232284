/* bench_measure: runs one command, prints its wall time, CPU time, peak RSS and exit status as
 * JSON. Written in C so its own small footprint does not inflate the child's peak RSS, which
 * Linux carries across exec (scripts/bench.sh compiles it on the fly). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1000.0 + (double)t.tv_nsec / 1e6;
}

int main(int argc, char** argv) {
    int first = 1;
    if (argc > 1 && argv[1][0] == '-' && argv[1][1] == '-' && argv[1][2] == 0) {
        first = 2;
    }
    if (first >= argc) {
        fprintf(stderr, "usage: bench_measure -- COMMAND [ARGS...]\n");
        return 2;
    }
    double start = now_ms();
    pid_t pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        dup2(devnull, 2);
        execvp(argv[first], argv + first);
        _exit(127);
    }
    int status = 0;
    struct rusage usage;
    if (pid < 0 || wait4(pid, &status, 0, &usage) < 0) {
        perror("bench_measure");
        return 1;
    }
    double wall = now_ms() - start;
    double cpu = (double)(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000.0 +
                 (double)(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000.0;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    printf("{\"status\": %d, \"wall_ms\": %.2f, \"cpu_ms\": %.2f, \"max_rss_kb\": %ld}\n", code,
           wall, cpu, usage.ru_maxrss);
    return 0;
}
