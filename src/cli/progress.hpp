// The progress line shown on stderr while Nix resolves (only on a terminal).
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "resolve/nix_backend.hpp"

namespace jailed::cli {

// Draws "jailed: WHAT … 3s", updated in place each second, then "… OUTCOME". When stderr is
// not a terminal it draws nothing (logs and pipes get no carriage-return noise); warnings
// are always printed.
class TerminalProgress : public resolve::Progress {
 public:
  TerminalProgress();
  ~TerminalProgress() override;
  TerminalProgress(const TerminalProgress&) = delete;
  TerminalProgress& operator=(const TerminalProgress&) = delete;

  void begin(const std::string& what) override;
  void end(const std::string& outcome) override;
  void warn(const std::string& message) override;

 private:
  void tick();
  void draw(const std::string& tail);
  void stop();

  bool m_tty;
  std::string m_what;
  std::chrono::steady_clock::time_point m_start;
  std::thread m_thread;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_running = false;
};

}  // namespace jailed::cli
