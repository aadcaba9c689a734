/** {@link dev.descent.cuda.doctor.Doctor}: what the CUDA backend needs and finds on this machine, and what to install. */
package dev.descent.cuda.doctor;
