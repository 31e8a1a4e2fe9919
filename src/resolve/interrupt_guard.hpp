// Holding Ctrl-C while Nix works, so an interrupted resolution can clean up before jailed dies.
#pragma once

namespace jailed::resolve {

// While alive, SIGINT, SIGTERM and SIGHUP only set a flag (Nix, in the same process group,
// still gets Ctrl-C and stops). On destruction the old handlers return and a caught signal
// is raised again, so jailed still dies of it (the shell sees 130 for Ctrl-C), but only
// after the caller has removed its half-made roots.
class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

  // Returns true once one of the signals arrived.
  bool interrupted() const;
};

}  // namespace jailed::resolve
