// The in-place progress line on a terminal.
#include "cli/progress.hpp"

#include <unistd.h>

#include "cli/output.hpp"
#include "util/terminal_text.hpp"

namespace jailed::cli {

TerminalProgress::TerminalProgress() : m_tty(::isatty(2) == 1) {}

TerminalProgress::~TerminalProgress() { stop(); }

void TerminalProgress::draw(const std::string& tail) {
  // \r and "erase line" redraw in place; one write() so the line is never torn.
  // What is shown may name packages from a .jailed: escaped, as every message is.
  std::string line = "\r\033[Kjailed: " + util::escape_deceptive(m_what + " … " + tail, "\n");
  ssize_t ignored = ::write(2, line.data(), line.size());
  (void)ignored;
}

void TerminalProgress::tick() {
  std::unique_lock lock(m_mutex);
  while (m_running) {
    auto seconds = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - m_start).count();
    draw(std::to_string(seconds) + "s");
    m_wake.wait_for(lock, std::chrono::milliseconds(250), [this] { return !m_running; });
  }
}

void TerminalProgress::begin(const std::string& what) {
  stop();
  m_what = what;
  if (!m_tty) return;
  m_start = std::chrono::steady_clock::now();
  m_running = true;
  // A thread, because the process runner blocks until Nix exits and the clock must move meanwhile.
  m_thread = std::thread([this] { tick(); });
}

void TerminalProgress::stop() {
  {
    std::lock_guard lock(m_mutex);
    m_running = false;
  }
  m_wake.notify_all();
  if (m_thread.joinable()) m_thread.join();
}

void TerminalProgress::end(const std::string& outcome) {
  bool was_running = m_thread.joinable();
  stop();
  if (!m_tty || !was_running) return;
  draw(outcome + "\n");
}

void TerminalProgress::warn(const std::string& message) {
  stop();
  cli::warn(message);
}

}  // namespace jailed::cli
