#include "evaluators/base_cache.h"

#include <ATen/Version.h>
#include <torch/torch.h>

#include <iostream>

#include "harness/common/file_lock.h"
#include "harness/common/files.h"
#include "harness/common/sha256.h"

namespace tb {
namespace {

constexpr std::string_view kMagic = "tunebench base-model cache entry\n";

// Magic line, the entry's hash, the payload's hash, then the payload.
std::string with_header(const std::string& hash, const std::string& payload) {
  return std::string(kMagic) + hash + "\n" + sha256_hex(payload) + "\n" + payload;
}

// Removes "<entry>.tmp.<pid>" files: a writer of this entry holds its lock, so under the
// lock any such file was left by a worker killed mid-write.
void remove_stale_writes(const std::filesystem::path& entry) {
  const std::string prefix = entry.filename().string() + ".tmp.";
  std::error_code ec;
  for (const auto& file : std::filesystem::directory_iterator(entry.parent_path(), ec)) {
    const std::string name = file.path().filename().string();
    if (name.starts_with(prefix) && is_temporary_file_name(name)) std::filesystem::remove(file, ec);
  }
}

}  // namespace

BaseCache::BaseCache(std::filesystem::path dir, nlohmann::json identity)
    : dir_(std::move(dir)), identity_(identity.dump()) {}

std::string BaseCache::hash_of(const nlohmann::json& key) const {
  return sha256_hex(identity_ + "\n" + key.dump());
}

std::filesystem::path BaseCache::file_of(const std::string& hash, const char* extension) const {
  return dir_ / (hash.substr(0, 32) + extension);
}

std::filesystem::path BaseCache::entry_path(const nlohmann::json& key) const {
  return file_of(hash_of(key), ".entry");
}

std::optional<std::string> BaseCache::load(const std::string& hash) const {
  const std::filesystem::path path = file_of(hash, ".entry");
  std::string bytes;
  try {
    if (!std::filesystem::exists(path)) return std::nullopt;
    bytes = read_file(path);
  } catch (const std::exception&) {
    return std::nullopt;  // unreadable: recomputed
  }
  const size_t header = kMagic.size() + 2 * (hash.size() + 1);  // two SHA-256 hex lines
  if (bytes.size() < header || bytes.compare(0, kMagic.size(), kMagic) != 0 ||
      bytes.compare(kMagic.size(), hash.size() + 1, hash + "\n") != 0) {
    return std::nullopt;
  }
  std::string payload = bytes.substr(header);
  const std::string stored = bytes.substr(kMagic.size() + hash.size() + 1, hash.size());
  if (stored != sha256_hex(payload)) return std::nullopt;  // torn or corrupt
  return payload;
}

std::string BaseCache::fetch(const nlohmann::json& key,
                             const std::function<std::string()>& compute) const {
  const std::string hash = hash_of(key);
  if (auto payload = load(hash)) return std::move(*payload);
  std::optional<FileLock> lock;
  try {
    std::filesystem::create_directories(dir_);
    lock.emplace(file_of(hash, ".lock"), [] { return true; });
  } catch (const std::exception& e) {
    std::cerr << "base-model cache unavailable (" << e.what() << "); evaluating the base model"
              << std::endl;
    return compute();
  }
  if (auto payload = load(hash)) return std::move(*payload);  // another worker computed it
  remove_stale_writes(file_of(hash, ".entry"));
  std::string payload = compute();
  try {
    write_file_atomically(file_of(hash, ".entry"), with_header(hash, payload));
  } catch (const std::exception& e) {
    std::cerr << "base-model cache not written: " << e.what() << std::endl;
  }
  return payload;
}

BaseCache base_cache_beside(const std::filesystem::path& model_file, const LlamaForCausalLM& base,
                            const std::string& model_sha256) {
  nlohmann::json identity = {
      {"format", kBaseCacheFormat},
      {"model_sha256", model_sha256.empty() ? sha256_hex(read_file(model_file)) : model_sha256},
      {"device", base->parameters().front().device().str()},
      {"threads", torch::get_num_threads()},
      {"libtorch", TORCH_VERSION},
      // The build and the kernels this machine runs (AVX2 or AVX-512, the BLAS), which
      // change results in the last bits: a models folder may be copied between machines.
      {"build", sha256_hex(at::show_config())},
  };
  // Results in another precision differ, and with which weights are stored in it (a run's
  // frozen ones); absent for fp32, so older entries stay valid.
  if (base->model->compute_dtype != torch::kFloat32) {
    identity["compute_dtype"] = c10::toString(base->model->compute_dtype);
    std::string stored_low;
    for (const auto& p : base->named_parameters()) {
      if (p.value().scalar_type() != torch::kFloat32) stored_low += p.key() + "\n";
    }
    identity["weights_below_fp32"] = sha256_hex(stored_low);
  }
  return BaseCache(model_file.parent_path() / "eval_cache", identity);
}

}  // namespace tb
