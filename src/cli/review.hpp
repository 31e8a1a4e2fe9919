// The review of an allow: what it would trust, and what changed since the last allow.
#pragma once

#include <string>
#include <vector>

#include "trust/changes.hpp"
#include "trust/trust_store.hpp"

namespace jailed::cli {

// Returns how messages name a part of what an allow trusts: the file's or a source's path
// (~-shortened, escaped), a built-in preset by its label, a local flake as "the local flake DIR".
std::string part_label(trust::Part part, const std::string& label);

// Returns the lines that show what allowing `subject` trusts. With no earlier allowed version
// in `verdict`: the whole file, the presets and config files it uses, and each local flake's
// files. Otherwise what changed since: a diff of the file and of each changed source, and each
// changed local flake's added, removed and changed files with a diff of its text files. When
// the file lies inside another allowed project, a first line says an agent may have written
// it. Every line is escaped (no control, bidi or invisible character of any file reaches the
// terminal) and coloured when stderr takes colour: print each with info_styled().
std::vector<std::string> review_lines(const trust::Subject& subject, const trust::Verdict& verdict);

}  // namespace jailed::cli
