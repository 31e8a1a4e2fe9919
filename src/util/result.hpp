// A value or an error message: what leaf functions return instead of throwing.
#pragma once

#include <string>
#include <utility>
#include <variant>

#include "util/error.hpp"

namespace jailed {

// Marks a failed result; converts to any Result<T>.
struct Failure {
  std::string message;
  ExitCode code = ExitCode::failure;
};

// Returns a Failure carrying `message`.
inline Failure fail(std::string message, ExitCode code = ExitCode::failure) {
  return Failure{std::move(message), code};
}

template <class T>
class Result {
 public:
  Result(T value) : m_state(std::move(value)) {}
  Result(Failure failure) : m_state(std::move(failure)) {}

  bool ok() const { return std::holds_alternative<T>(m_state); }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<T>(m_state); }
  const T& value() const& { return std::get<T>(m_state); }
  T&& value() && { return std::get<T>(std::move(m_state)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Failure& failure() const { return std::get<Failure>(m_state); }
  const std::string& error() const { return failure().message; }

  // Returns the value or throws the failure as a jailed::Error.
  T take() && {
    if (!ok()) throw Error(failure().message, failure().code);
    return std::get<T>(std::move(m_state));
  }

 private:
  std::variant<T, Failure> m_state;
};

// Result of an operation that yields nothing but may fail.
struct Unit {};
using Status = Result<Unit>;
inline Status success() { return Unit{}; }

}  // namespace jailed
