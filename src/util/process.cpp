#include "util/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>  // environ (g++ defines _GNU_SOURCE)

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "util/files.hpp"
#include "util/paths.hpp"
#include "util/strings.hpp"

namespace jailed::util {
namespace {

std::vector<char*> to_c_strings(const std::vector<std::string>& items) {
  std::vector<char*> out;
  out.reserve(items.size() + 1);
  for (const auto& item : items) out.push_back(const_cast<char*>(item.c_str()));
  out.push_back(nullptr);
  return out;
}

int wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return 127;
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 127;
}

// Reads both pipes until they close, so neither child stream can fill up and block.
void drain(int out_fd, int err_fd, std::string& out, std::string& err) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  int open_count = 2;
  char buf[8192];
  while (open_count > 0) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        (i == 0 ? out : err).append(buf, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        fds[i].fd = -1;
        --open_count;
      }
    }
  }
}

}  // namespace

Result<Completed> SystemRunner::run(const std::vector<std::string>& argv) {
  if (argv.empty()) return fail("cannot run an empty command");
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return fail(std::string("cannot create a pipe: ") + std::strerror(errno));
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    return fail(std::string("cannot create a pipe: ") + std::strerror(errno));
  }
  auto args = to_c_strings(argv);
  // posix_spawn, not fork: glibc starts the child with vfork semantics, so spawning does not
  // copy jailed's page tables (a launch runs git once; the prompt path runs nothing).
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  pid_t pid = 0;
  auto own_env = to_c_strings(m_env);
  int spawned = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), m_own_env ? own_env.data() : environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) ::close(fd);
    return fail("cannot run " + argv[0] + ": " + std::strerror(spawned));
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  Completed done;
  drain(out_pipe[0], err_pipe[0], done.out, done.err);
  ::close(out_pipe[0]);
  ::close(err_pipe[0]);
  done.status = wait_for(pid);
  return done;
}

std::optional<std::string> find_program(const std::string& name, const std::string& path_list) {
  if (name.empty()) return std::nullopt;
  if (name.find('/') != std::string::npos) {
    if (::access(name.c_str(), X_OK) == 0) return name;
    return std::nullopt;
  }
  for (const auto& dir : split(path_list, ':')) {
    // An empty or relative PATH entry means the current directory: never trust it for lookups.
    if (dir.empty() || dir[0] != '/') continue;
    std::string candidate = dir + "/" + name;
    // A directory passes access(X_OK); like the shell's lookup, only a file is a program.
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return std::nullopt;
}

std::string path_without(const std::string& path_list, const std::vector<std::string>& areas) {
  std::vector<std::string> kept;
  for (const auto& dir : split(path_list, ':')) {
    if (dir.empty() || dir[0] != '/') continue;
    std::string written = normalize(dir);
    auto real = real_path(dir);
    bool inside = std::any_of(areas.begin(), areas.end(), [&](const std::string& area) {
      return !area.empty() && (is_within(written, area) || (real && is_within(*real, area)));
    });
    if (!inside) kept.push_back(dir);
  }
  return join(kept, ":");
}

std::optional<std::string> find_in_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  return find_program(name, path ? path : "/usr/local/bin:/usr/bin:/bin");
}

Status exec_program(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
  auto args = to_c_strings(argv);
  auto envp = to_c_strings(env);
  ::execve(args[0], args.data(), envp.data());
  return fail("cannot run " + argv[0] + ": " + std::strerror(errno));
}

}  // namespace jailed::util
