package dev.descent.train.cli;

import dev.descent.core.Backend;
import dev.descent.core.Backends;
import dev.descent.cuda.CudaBackend;
import dev.descent.cuda.CudaOptions;
import dev.descent.train.TrainConfig;

/** The backend a run computes on, and a name for logs and the MFU table. */
record Device(Backend backend, String name) {

    /** Opens the configured device and makes it the default backend, so the model is built there. */
    static Device open(TrainConfig config) {
        Device device;
        if (config.run().device().equals("cpu")) {
            device = new Device(Backends.cpu(), "cpu (" + Runtime.getRuntime().availableProcessors() + " cores)");
        } else if (config.run().device().equals("cuda")) {
            CudaOptions options = CudaOptions.defaults();
            if (!config.run().vramLimit().isEmpty()) {
                options = options.withVramLimit(config.run().vramLimit());
            }
            CudaBackend cuda = CudaBackend.create(options);
            device = new Device(cuda, cuda.deviceInfo().name());
        } else {
            throw new IllegalArgumentException("unknown device '" + config.run().device() + "'; use cpu or cuda");
        }
        Backends.setDefault(device.backend());
        return device;
    }
}
