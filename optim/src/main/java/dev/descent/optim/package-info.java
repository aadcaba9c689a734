/**
 * Optimizers, learning-rate schedules, gradient clipping and gradient accumulation that follow PyTorch's
 * formulas exactly, so the same hyperparameters give the same trajectory.
 *
 * <ul>
 *   <li>{@link dev.descent.optim.Optimizer}: parameter groups ({@link dev.descent.optim.ParamGroup}: per-group
 *       learning rate and weight decay), per-parameter state ({@link dev.descent.optim.ParamState}),
 *       {@code step()}, {@code zeroGrad()}, state export/import ({@link dev.descent.optim.OptimizerState}).</li>
 *   <li>{@link dev.descent.optim.SGD} (momentum, dampening, Nesterov, coupled L2),
 *       {@link dev.descent.optim.RMSProp} (centered, momentum; ε outside the root),
 *       {@link dev.descent.optim.Adam} (bias correction, coupled L2, AMSGrad over the raw second moment) and
 *       {@link dev.descent.optim.AdamW} (decoupled decay θ ← θ·(1 − γλ) first). Each class carries its update
 *       formula in its Javadoc and above the line that computes it. Each starts from PyTorch's defaults, changed
 *       by named setters: {@code new AdamW(model.parameters()).lr(6e-4).betas(0.9, 0.95).weightDecay(0.1)}.</li>
 *   <li>{@link dev.descent.optim.LrSchedule}: constant, step decay, warmup + cosine (build-nanogpt / llm.c),
 *       PyTorch's LinearLR, CosineAnnealingLR (oscillates past T_max) and SequentialLR.</li>
 *   <li>{@link dev.descent.optim.GradClip#clipGradNorm} and {@link dev.descent.optim.GradAccumulation}.</li>
 * </ul>
 *
 * <p>Updates are Tensor ops under no-grad, written back with {@code param.copyFrom(..)}, with state tensors on
 * the parameter's backend, so every optimizer runs unchanged on the CPU and CUDA backends. Host scalars (bias
 * corrections, 1 − β, γ/bc1) are computed in double and handed to the ops as floats.
 */
package dev.descent.optim;
