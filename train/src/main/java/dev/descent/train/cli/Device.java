package dev.descent.train.cli;

import dev.descent.core.Backend;
import dev.descent.core.Backends;
import dev.descent.train.TrainConfig;

/** The backend a run computes on, and a name for logs and the MFU table. */
record Device(Backend backend, String name) {

    static Device open(TrainConfig config) {
        if (config.device().equals("cpu")) {
            return new Device(Backends.cpu(), "cpu (" + Runtime.getRuntime().availableProcessors() + " cores)");
        }
        throw new IllegalArgumentException("unknown device '" + config.device() + "'; use cpu or cuda");
    }
}
