// Lambda's provided.al2023 has glibc 2.34. Linking here (glibc 2.36) binds hypot and hypotf,
// which the static Swift runtime uses, to their GLIBC_2.35 versions, and the binary would not
// start there. Defining them in the executable takes precedence over libm's default versions,
// and these definitions call the baseline versions every glibc has.
#if defined(__linux__) && defined(__x86_64__)
#define BASELINE "GLIBC_2.2.5"
#elif defined(__linux__) && defined(__aarch64__)
#define BASELINE "GLIBC_2.17"
#endif

#ifdef BASELINE
__asm__(".symver smsredirect_baseline_hypot, hypot@" BASELINE);
__asm__(".symver smsredirect_baseline_hypotf, hypotf@" BASELINE);
double smsredirect_baseline_hypot(double x, double y);
float smsredirect_baseline_hypotf(float x, float y);

double hypot(double x, double y) { return smsredirect_baseline_hypot(x, y); }
float hypotf(float x, float y) { return smsredirect_baseline_hypotf(x, y); }
#endif

// GCC 12's libstdc++ re-versioned std::condition_variable::wait(unique_lock&) as GLIBCXX_3.4.30;
// Amazon Linux 2023's GCC 11 libstdc++ stops at 3.4.29 but has the same function as 3.4.11.
#if defined(__linux__)
__asm__(".symver smsredirect_baseline_cv_wait, _ZNSt18condition_variable4waitERSt11unique_lockISt5mutexE@GLIBCXX_3.4.11");
void smsredirect_baseline_cv_wait(void *condition, void *lock);
void smsredirect_cv_wait(void *condition, void *lock) __asm__("_ZNSt18condition_variable4waitERSt11unique_lockISt5mutexE");
void smsredirect_cv_wait(void *condition, void *lock) { smsredirect_baseline_cv_wait(condition, lock); }
#endif
