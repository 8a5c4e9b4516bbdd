// OpenBLAS's CBLAS interface; Debian ships it under the openblas-pthread include dir (pkg-config openblas).
#include <cblas.h>
