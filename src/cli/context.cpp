#include "cli/context.hpp"

#include <unistd.h>

#include <climits>

#include "cli/output.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/paths.hpp"

namespace jailed::cli {

std::string self_path() {
  char buf[PATH_MAX];
  ssize_t size = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (size <= 0) throw Error("cannot find the jailed binary (is /proc mounted?)");
  std::string path(buf, static_cast<size_t>(size));
  // After a reinstall the running binary reads "PATH (deleted)"; the new one is at PATH.
  const std::string deleted = " (deleted)";
  if (path.size() > deleted.size() && path.compare(path.size() - deleted.size(), deleted.size(), deleted) == 0) {
    path.erase(path.size() - deleted.size());
  }
  return path;
}

config::UserContext user_context() { return {util::home_dir(), util::xdg_dir("CONFIG") + "/jailed"}; }

std::string blocked_message(trust::Status status, const std::string& path) {
  std::string shown = display_path(path);
  switch (status) {
    case trust::Status::not_allowed:
      return shown + " is not allowed; review it, then run 'jailed allow'";
    case trust::Status::changed:
      return shown + " changed since you allowed it; review it ('jailed allow' shows what changed)";
    case trust::Status::denied:
      return shown + " is denied; run 'jailed allow' if you want to trust it";
    case trust::Status::allowed:
      break;
  }
  return shown + " is allowed";
}

config::LoadedFile read_allowed(const std::string& path) {
  auto file = config::read_jailed_file(path).take();
  trust::TrustStore store(trust::TrustStore::default_path(), false);
  auto verdict = store.check(file.real_path, file.content);
  if (verdict.status != trust::Status::allowed) throw Error(blocked_message(verdict.status, path), ExitCode::not_allowed);
  return file;
}

config::JailConfig load_allowed(const std::string& path) {
  auto file = read_allowed(path);
  return config::load_config(path, file.content, user_context()).take();
}

}  // namespace jailed::cli
