/* CKernels — image, geometry and rasterization kernels shared by Plumbline's reference
 * engine and its analyzers.
 *
 * Conventions for every function here:
 *   - symbols carry the `pk_` prefix;
 *   - buffers belong to the caller; no function allocates, does I/O or keeps state;
 *   - strides are explicit and counted in elements of the buffer's type;
 *   - results do not depend on how the caller splits work across threads.
 * This header is not public API: Swift wrappers in Media, Engine and Analysis are. */
#ifndef PK_CKERNELS_H
#define PK_CKERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Rasterizer (raster.c): triangles into colour and depth buffers for the reference engine. */


/* Image kernels (image.c): colour conversion, masks and moments for the analyzers. */


#ifdef __cplusplus
}
#endif

#endif
