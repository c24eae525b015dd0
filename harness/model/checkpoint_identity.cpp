#include "harness/model/checkpoint_identity.h"

#include <fstream>
#include <nlohmann/json.hpp>

#include "harness/common/files.h"
#include "harness/common/sha256.h"
#include "harness/model/hf_checkpoint.h"

namespace tb {
namespace fs = std::filesystem;
namespace {

const char* const kCacheFile = ".tunebench-identity.json";

std::string file_digest(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path.string() + ": cannot read");
  std::string chunk(64 << 20, '\0'), digests;
  while (in) {
    in.read(chunk.data(), std::streamsize(chunk.size()));
    digests += sha256_hex(std::string_view(chunk.data(), size_t(in.gcount())));
  }
  return sha256_hex(digests);
}

// {file name: {"size", "mtime"}} of the files the identity covers.
nlohmann::json file_stamps(const std::vector<fs::path>& files) {
  nlohmann::json stamps = nlohmann::json::object();
  for (const auto& f : files) {
    const auto mtime = fs::last_write_time(f).time_since_epoch().count();
    stamps[f.filename().string()] = {{"size", fs::file_size(f)}, {"mtime", int64_t(mtime)}};
  }
  return stamps;
}

// The identity of `files`, all in `folder`, cached there.
std::string folder_identity(const fs::path& folder, const std::vector<fs::path>& files) {
  const nlohmann::json stamps = file_stamps(files);
  const fs::path cache = folder / kCacheFile;
  if (fs::exists(cache)) {
    const auto cached = nlohmann::json::parse(read_file(cache), nullptr, false);
    if (cached.is_object() && cached.value("files", nlohmann::json()) == stamps && cached.contains("sha256"))
      return cached.at("sha256").get<std::string>();
  }
  std::string listing;
  for (const auto& [name, stamp] : stamps.items()) listing += name + "\t" + file_digest(folder / name) + "\n";
  const std::string identity = sha256_hex(listing);
  try {
    write_file_atomically(cache, nlohmann::json{{"files", stamps}, {"sha256", identity}}.dump(2) + "\n");
  } catch (const std::exception&) {
    // read-only folder: hash again next time
  }
  return identity;
}

}  // namespace

std::string checkpoint_identity(const fs::path& folder) {
  std::vector<fs::path> files = hf_weight_files(folder);
  files.push_back(folder / "config.json");
  if (fs::exists(folder / "model.safetensors.index.json")) files.push_back(folder / "model.safetensors.index.json");
  return folder_identity(folder, files);
}

std::string peft_adapter_identity(const fs::path& folder) {
  return folder_identity(folder, {folder / "adapter_config.json", folder / "adapter_model.safetensors"});
}

}  // namespace tb
