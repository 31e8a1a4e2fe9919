// jailed loads no shared library at run time. SQLite's extension loading is the only caller of
// dlopen and stays off; the link sends that call here (-Wl,--wrap=dlopen), which keeps the
// static C library's warning that dlopen needs the exact glibc it was linked with out of the build.
// NOLINTNEXTLINE(bugprone-reserved-identifier,readability-identifier-naming): the name --wrap gives it
extern "C" void* __wrap_dlopen(const char*, int) { return nullptr; }
