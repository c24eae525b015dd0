// What a run records about the GPU it ran on: the device's name with the driver, CUDA
// runtime and cuDNN versions (next to the CPU model for CPU runs), and the peak of the
// memory LibTorch's allocator handed out on it (next to the process's peak RSS). Without
// tunebench's CUDA build (TUNEBENCH_WITH_CUDA) nothing runs on a GPU and both are empty.
#pragma once
#include <torch/types.h>

#include <cstdint>
#include <string>

namespace tb {

// "NVIDIA H200 (driver 13.0, CUDA runtime 13.0, cuDNN 91002)"; "" for a CPU device.
std::string gpu_description(const torch::Device& device);

// Peak bytes allocated on `device` since the process started; 0 for a CPU device.
int64_t peak_gpu_memory_bytes(const torch::Device& device);

}  // namespace tb
