#ifndef COPENBLAS_SHIM_H
#define COPENBLAS_SHIM_H
// OpenBLAS (cblas_*) and the reference LAPACKE interface; Debian's OpenBLAS is built NO_LAPACKE,
// so LAPACKE_* comes from liblapacke, whose LAPACK backend is OpenBLAS through alternatives.
#include <cblas.h>
#include <lapacke.h>
#endif
