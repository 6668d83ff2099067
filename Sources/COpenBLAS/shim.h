#pragma once
#include <stddef.h>
#include <cblas.h>
void openblas_set_num_threads(int num_threads);
/* LAPACK's symmetric eigen-solver, as libopenblas exports it (Fortran calling
   convention: every argument by reference, then the hidden lengths of the two
   character arguments). */
void dsyev_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda,
            double *w, double *work, const int *lwork, int *info, size_t jobz_len, size_t uplo_len);
