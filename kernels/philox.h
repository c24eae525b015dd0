// Philox4x32-10, the counter-based generator of Salmon, Moraes, Dror & Shaw, "Parallel
// Random Numbers: As Easy as 1, 2, 3" (SC 2011, section 3.2; Random123's philox4x32 with
// 10 rounds, the generator behind cuRAND's and PyTorch's CUDA randomness). Four 32-bit
// words are a pure function of a 128-bit counter and a 64-bit key, so any element's random
// numbers can be computed by any thread in any order, on the CPU or on a GPU, and computed
// again later without storing them. Header-only and free of LibTorch so that the CUDA
// kernels compile the same code.
#pragma once
#include <cmath>
#include <cstdint>

#if defined(__CUDACC__)
#define TB_HOST_DEVICE __host__ __device__ __forceinline__
#else
#define TB_HOST_DEVICE inline
#endif

namespace tb::kernels {

struct Philox4x32 {
  uint32_t word[4];
};

// Philox4x32-10 of counter (c0, c1, c2, c3) under key (k0, k1).
TB_HOST_DEVICE Philox4x32 philox4x32_10(uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3, uint32_t k0,
                                        uint32_t k1) {
  constexpr uint32_t kMultiplier0 = 0xD2511F53u, kMultiplier1 = 0xCD9E8D57u;
  constexpr uint32_t kWeyl0 = 0x9E3779B9u, kWeyl1 = 0xBB67AE85u;  // key bumps: golden ratio, sqrt(3) - 1
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      k0 += kWeyl0;
      k1 += kWeyl1;
    }
    const uint64_t product0 = uint64_t(kMultiplier0) * c0, product1 = uint64_t(kMultiplier1) * c2;
    const uint32_t hi0 = uint32_t(product0 >> 32), lo0 = uint32_t(product0);
    const uint32_t hi1 = uint32_t(product1 >> 32), lo1 = uint32_t(product1);
    c0 = hi1 ^ c1 ^ k0;
    c1 = lo1;
    c2 = hi0 ^ c3 ^ k1;
    c3 = lo0;
  }
  return {{c0, c1, c2, c3}};
}

// A 32-bit word as a uniform number in (0, 1]: never 0, so its logarithm is finite.
TB_HOST_DEVICE double unit_interval(uint32_t word) { return (double(word) + 1.0) * 0x1p-32; }

// Four standard normal numbers for counter block `block` of stream `stream` under `seed`:
// the Box-Muller transform (Box & Muller 1958) of Philox's four words taken in two pairs,
// computed in double precision. Element e of a stream uses block e / 4, slot e % 4.
struct Normal4 {
  double value[4];
};

TB_HOST_DEVICE Normal4 counter_normals(uint64_t seed, uint32_t stream, uint64_t block) {
  const Philox4x32 bits = philox4x32_10(uint32_t(block), uint32_t(block >> 32), stream, 0u, uint32_t(seed),
                                        uint32_t(seed >> 32));
  constexpr double kTwoPi = 6.283185307179586476925286766559;
  Normal4 out;
  for (int pair = 0; pair < 2; ++pair) {
    const double radius = sqrt(-2.0 * log(unit_interval(bits.word[2 * pair])));
    const double angle = kTwoPi * unit_interval(bits.word[2 * pair + 1]);
    out.value[2 * pair] = radius * cos(angle);
    out.value[2 * pair + 1] = radius * sin(angle);
  }
  return out;
}

}  // namespace tb::kernels
