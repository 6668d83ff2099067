import PrecedentCLI

#if os(Linux)
/// glibc's `mallopt(3)` (declared in <malloc.h>, which the Glibc module does not export).
@_silgen_name("mallopt") func mallopt(_ parameter: Int32, _ value: Int32) -> Int32
// Keep freed large buffers (Parquet pages, column arrays, books) in the heap for reuse instead
// of returning them to the kernel after every use: each fresh mapping costs a page fault per
// 4 KiB. Arrow does the same with its memory pool. M_TRIM_THRESHOLD = -1, M_MMAP_THRESHOLD = -3.
_ = mallopt(-3, 256 << 20)
_ = mallopt(-1, 512 << 20)

#endif
PrecedentCommand.main()
