/* Everything is in include/CPrefetch.h (static inline); SwiftPM needs one source file per C target. */
#include "CPrefetch.h"
