// Grid expansion: every method entry's sweep lists -> their cartesian product, times
// the seeds -> one resolved config per run, keyed by the hash of its canonical JSON.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/spec/schema.h"
#include "harness/spec/spec.h"

namespace tb {

struct RunConfig {
  std::string key;        // run_key(config)
  std::string method;     // method name
  std::string variant;    // "lora rank=8 alpha=16": the method and its chosen values, no seed
  int64_t seed = 0;
  // {"base_model","task","method","training","evaluation","spectral","seed"}; a post-hoc
  // run has "parents" (their keys, in the cell's order) instead of "training".
  nlohmann::json config;
  std::vector<std::string> parents;  // post-hoc runs: the keys of the runs they combine
};

// Every combination of the sweep lists in a validated method entry (fields of
// `schema`), in a stable order (keys sorted, values as listed).
std::vector<nlohmann::json> expand_sweeps(const nlohmann::json& entry, const Schema& schema);

// All runs of a spec: for each method entry, each combination, each seed. Post-hoc
// entries come after the trained ones (a run's parents always precede it): LiNeS gets one
// cell per parent run; soups and task arithmetic one per seed, over every run of the
// named entries with that seed.
std::vector<RunConfig> expand_grid(const Spec& spec);

// Keeps the first of the cells that resolve to the same run key (two identical entries,
// a sweep value listed twice): a sweep runs each key once. Returns how many were dropped.
size_t drop_duplicate_runs(std::vector<RunConfig>& runs);

// `j` with every file entry {"path", "sha256"} (tokenizer folders, data files) replaced by
// "sha256:<hash>": what a run depends on is the files' contents, not where they lie.
nlohmann::json content_identity(const nlohmann::json& j);

// 16 hex digits of SHA-256 over the canonical (sorted-key) JSON of a resolved config's
// content identity.
std::string run_key(const nlohmann::json& config);

// Cache key of a base model: hash of its resolved section (architecture, pretraining and
// the version of the mixture generator).
std::string base_model_key(const nlohmann::json& base_model);

// Schema of a method entry: the method's hyperparameters plus overridable training options
// (post-hoc methods: the hyperparameters only).
Schema method_entry_schema(const std::string& method);

}  // namespace tb
