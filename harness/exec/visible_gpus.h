// The GPUs a coordinator on this machine may hand to its workers (harness/exec/pool.h):
// the entries of CUDA_VISIBLE_DEVICES when it is set (so a user or a scheduler can give
// tunebench a subset), else the indices nvidia-smi lists, else none.
#pragma once
#include <string>
#include <vector>

namespace tb {

std::vector<std::string> visible_gpus();

// The entries of a CUDA_VISIBLE_DEVICES value ("0,1", "GPU-8f2e...,2"); "" or "-1": none.
std::vector<std::string> parse_visible_devices(const std::string& value);

}  // namespace tb
