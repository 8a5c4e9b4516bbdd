// Atomics and futex calls for the Swift thread pool (Swift's stdlib has no portable atomics
// without the Synchronization module, and Glibc's variadic syscall() is not callable from Swift).
#include "ckernels.h"
#include <stdatomic.h>
#include <limits.h>
#ifdef __linux__
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>
#else
#include <sched.h>
#endif

uint32_t ck_atomic_load_u32(const uint32_t *p) {
    return atomic_load_explicit((const _Atomic uint32_t *)p, memory_order_seq_cst);
}
void ck_atomic_store_u32(uint32_t *p, uint32_t v) {
    atomic_store_explicit((_Atomic uint32_t *)p, v, memory_order_seq_cst);
}
uint32_t ck_atomic_add_u32(uint32_t *p, uint32_t v) {
    return atomic_fetch_add_explicit((_Atomic uint32_t *)p, v, memory_order_seq_cst);
}
int ck_atomic_cas_u32(uint32_t *p, uint32_t expected, uint32_t desired) {
    return atomic_compare_exchange_strong((_Atomic uint32_t *)p, &expected, desired);
}
int64_t ck_atomic_add_i64(int64_t *p, int64_t v) {
    return atomic_fetch_add_explicit((_Atomic int64_t *)p, v, memory_order_seq_cst);
}
void ck_atomic_store_i64(int64_t *p, int64_t v) {
    atomic_store_explicit((_Atomic int64_t *)p, v, memory_order_seq_cst);
}
uint64_t ck_atomic_load_u64(const uint64_t *p) {
    return atomic_load_explicit((const _Atomic uint64_t *)p, memory_order_seq_cst);
}
void ck_atomic_store_u64(uint64_t *p, uint64_t v) {
    atomic_store_explicit((_Atomic uint64_t *)p, v, memory_order_seq_cst);
}
int ck_atomic_cas_u64(uint64_t *p, uint64_t expected, uint64_t desired) {
    return atomic_compare_exchange_strong((_Atomic uint64_t *)p, &expected, desired);
}

void ck_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

void ck_futex_wait(uint32_t *p, uint32_t expected) {
#ifdef __linux__
    syscall(SYS_futex, p, FUTEX_WAIT_PRIVATE, expected, NULL, NULL, 0);
#else
    (void)p; (void)expected;
    sched_yield();
#endif
}

void ck_futex_wake_all(uint32_t *p) {
#ifdef __linux__
    syscall(SYS_futex, p, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
#else
    (void)p;
#endif
}
