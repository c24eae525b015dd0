// Helpers shared by the tests: a tiny model shape and scratch folders.
#pragma once
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "harness/common/check.h"
#include "harness/model/llama_config.h"
#include "harness/spec/spec.h"

namespace tb::testing {

inline LlamaConfig tiny_config(int64_t kv_heads = 2) {
  LlamaConfig c;
  c.hidden_size = 32;
  c.intermediate_size = 48;
  c.num_hidden_layers = 2;
  c.num_attention_heads = 4;
  c.num_key_value_heads = kv_heads;
  c.max_position_embeddings = 64;
  return c;
}

// A fresh, empty folder under the system temp dir, removed on destruction.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& tag) {
    path_ = std::filesystem::temp_directory_path() /
            ("tunebench-test-" + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  static int& counter() {
    static int c = 0;
    return c;
  }
  std::filesystem::path path_;
};

// Whether `pid` is a live process: not gone, and not a zombie waiting for its reaper.
inline bool process_alive(int64_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  const auto paren = line.rfind(')');
  return paren != std::string::npos && line.substr(paren + 2, 1) != "Z";
}

// A small valid spec document (tests edit it to make it invalid).
inline nlohmann::json small_spec() {
  return nlohmann::json::parse(R"({
    "name": "small",
    "base_model": {"architecture": {"hidden_size": 32, "intermediate_size": 48, "num_hidden_layers": 2,
                                    "num_attention_heads": 4, "num_key_value_heads": 2,
                                    "max_position_embeddings": 64},
                   "pretraining": {"steps": 30, "batch_size": 8, "seq_len": 32}},
    "task": {"name": "reverse", "min_len": 3, "max_len": 4, "train_items": 100, "eval_items": 10},
    "training": {"steps": 10, "batch_size": 8, "log_every": 5},
    "methods": [{"method": "full_ft"}, {"method": "lora", "rank": [2, 4], "alpha": 8}],
    "seeds": [0, 1],
    "evaluation": {"task_accuracy": {}, "forgetting": {"sequences": 4, "seq_len": 16}}
  })");
}

// The UserError message for a spec document ("spec.json"), or "" if it is valid.
inline std::string spec_error(const nlohmann::json& doc) {
  try {
    parse_spec(doc, "spec.json");
    return "";
  } catch (const UserError& e) {
    return e.what();
  }
}

}  // namespace tb::testing
