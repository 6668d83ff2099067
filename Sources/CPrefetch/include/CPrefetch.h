#pragma once
/* Cache prefetch hint, which Swift has no spelling for. Used by the exact k-NN
   search to overlap the memory latency of the scattered vectors it reads. */
static inline void precedent_prefetch(const void *address) { __builtin_prefetch(address, 0, 0); }
