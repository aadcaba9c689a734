package dev.descent.cuda.driver;

import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDeviceTotalMem;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuInit;

import dev.descent.cuda.CudaUnavailableException;
import dev.descent.cuda.NativeLibraries;
import dev.descent.cuda.memory.ByteSize;
import java.nio.charset.StandardCharsets;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.JCudaDriver;

/**
 * What the driver reports about one GPU. {@code arch} is the compute capability as a number: 61 for 6.1.
 * {@code driverVersion} is the CUDA version the driver supports, e.g. 12040 for 12.4.
 */
public record DeviceInfo(int ordinal, String name, int arch, int multiprocessors, long totalMemory, int driverVersion,
                         int deviceCount) {

    /**
     * Initialises the driver API and describes device {@code ordinal}. Throws {@link CudaUnavailableException} with
     * the reason when the driver library is missing, no device is present, or the ordinal is out of range.
     */
    public static DeviceInfo query(int ordinal) {
        try {
            JCudaDriver.setExceptionsEnabled(false);
            CudaErrors.startup(cuInit(0), "cuInit");
            int[] v = new int[1];
            CudaErrors.startup(cuDriverGetVersion(v), "cuDriverGetVersion");
            int driver = v[0];
            CudaErrors.startup(cuDeviceGetCount(v), "cuDeviceGetCount");
            int count = v[0];
            if (ordinal < 0 || ordinal >= count) {
                throw new CudaUnavailableException("CUDA device " + ordinal + " does not exist: the driver sees "
                        + count + " device(s)");
            }
            CUdevice dev = new CUdevice();
            CudaErrors.startup(cuDeviceGet(dev, ordinal), "cuDeviceGet");
            byte[] name = new byte[256];
            CudaErrors.startup(cuDeviceGetName(name, name.length, dev), "cuDeviceGetName");
            long[] mem = new long[1];
            CudaErrors.startup(cuDeviceTotalMem(mem, dev), "cuDeviceTotalMem");
            int major = attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
            int minor = attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
            int sms = attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
            return new DeviceInfo(ordinal, cString(name), major * 10 + minor, sms, mem[0], driver, count);
        } catch (LinkageError e) {
            throw new CudaUnavailableException("the CUDA driver is not usable: " + NativeLibraries.why(e)
                    + ". Install the NVIDIA driver (it provides " + NativeLibraries.DRIVER + "); in a container, start it "
                    + "with the GPU passed through (e.g. docker run --gpus all)", e);
        }
    }

    private static int attribute(CUdevice dev, int attribute) {
        int[] v = new int[1];
        CudaErrors.startup(cuDeviceGetAttribute(v, attribute, dev), "cuDeviceGetAttribute");
        return v[0];
    }

    private static String cString(byte[] b) {
        int len = 0;
        while (len < b.length && b[len] != 0) {
            len++;
        }
        return new String(b, 0, len, StandardCharsets.US_ASCII);
    }

    /** {@code 6.1}. */
    public String computeCapability() {
        return arch / 10 + "." + arch % 10;
    }

    /** {@code 12.4}. */
    public String driverCudaVersion() {
        return driverVersion / 1000 + "." + driverVersion % 1000 / 10;
    }

    @Override
    public String toString() {
        return "cuda:" + ordinal + " " + name + ", compute capability " + computeCapability() + ", " + multiprocessors
                + " SMs, " + ByteSize.format(totalMemory) + "; driver supports CUDA " + driverCudaVersion();
    }
}
