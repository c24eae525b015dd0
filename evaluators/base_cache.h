// The base model's side of the evaluation suites, computed once per base model and kept
// beside it in the models folder (<models_dir>/<base key>/eval_cache/). Every fine-tuning
// run of a base model scores the base on the same items; only the tuned side differs.
//
// An entry is named by the SHA-256 of the cache's identity (what every entry depends on:
// the base model file's hash, the device, the thread count, the LibTorch version, its build
// and CPU kernels (at::show_config) and kBaseCacheFormat; a tokenizer file, once base
// models bring one, belongs here too) and of the entry's key (what this entry depends on:
// the suite, the exact inputs, the batch size). Entries are written atomically and carry
// the hash of their contents, so a killed worker never leaves an entry that is trusted
// half-written, and a corrupt one is recomputed and rewritten.
#pragma once
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "harness/model/llama.h"

namespace tb {

// Bump whenever what a cached base result would be changes: how a responder batches,
// decodes or scores, how the held-out log-probabilities are computed, or an entry's layout.
inline constexpr int kBaseCacheFormat = 1;

class BaseCache {
 public:
  BaseCache(std::filesystem::path dir, nlohmann::json identity);

  // The payload stored under `key`, or `compute()`'s, stored for the next caller. Workers
  // that ask for one key at once compute it once: the others wait on the entry's file lock
  // (released by the kernel if its holder dies), then read what it wrote. When the folder
  // cannot be written, the payload is computed and returned uncached.
  std::string fetch(const nlohmann::json& key, const std::function<std::string()>& compute) const;

  // The entry file of `key` (for tests and for people cleaning up).
  std::filesystem::path entry_path(const nlohmann::json& key) const;

 private:
  std::string hash_of(const nlohmann::json& key) const;
  std::filesystem::path file_of(const std::string& hash, const char* extension) const;
  std::optional<std::string> load(const std::string& hash) const;

  std::filesystem::path dir_;
  std::string identity_;
};

// The cache beside the base model file `model_file`, whose weights `base` holds, for this
// process's thread count.
// A checkpoint base model (no model_file; the folder beside it holds the cache) passes its
// content identity as model_sha256.
BaseCache base_cache_beside(const std::filesystem::path& model_file, const LlamaForCausalLM& base,
                            const std::string& model_sha256 = "");

}  // namespace tb
