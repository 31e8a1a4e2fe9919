// Signal handling around a resolution.
#include "resolve/interrupt_guard.hpp"

#include <signal.h>

namespace jailed::resolve {
namespace {

constexpr int k_signals[] = {SIGINT, SIGTERM, SIGHUP};
volatile sig_atomic_t g_caught = 0;
struct sigaction g_old[3];

void on_signal(int number) { g_caught = number; }

}  // namespace

InterruptGuard::InterruptGuard() {
  g_caught = 0;
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  // No SA_RESTART: a blocked read or wait returns EINTR; the process runner retries and the
  // flag is checked when Nix has exited.
  action.sa_flags = 0;
  for (int i = 0; i < 3; ++i) {
    ::sigaction(k_signals[i], nullptr, &g_old[i]);
    // A signal ignored from the start (a background job, nohup) stays ignored.
    if (g_old[i].sa_handler != SIG_IGN) ::sigaction(k_signals[i], &action, nullptr);
  }
}

InterruptGuard::~InterruptGuard() {
  for (int i = 0; i < 3; ++i) ::sigaction(k_signals[i], &g_old[i], nullptr);
  if (g_caught) ::raise(g_caught);
}

bool InterruptGuard::interrupted() const { return g_caught != 0; }

}  // namespace jailed::resolve
