/**
 * Which weight precisions a device generation can serve, and how: natively (the matrix units
 * compute in that format) or weight-only (weights stored in it, dequantized to 16-bit for the
 * matrix multiply, so compute runs at the 16-bit rate).
 *
 * Sources, per row:
 * - NVIDIA: FP8 W8A8 needs compute capability >= 8.9 (Ada, Hopper, Blackwell); Ampere runs FP8
 *   checkpoints weight-only through the Marlin W8A16 kernels for dense layers only (no FP8 MoE
 *   path on SM 8.0). NVFP4 / MXFP4 are native on Blackwell only; earlier generations fall back to
 *   Marlin weight-only FP4.
 *   @see https://docs.vllm.ai/en/v0.11.0/features/quantization/fp8.html
 *   @see https://docs.vllm.ai/en/v0.11.0/features/quantization/supported_hardware.html
 * - Inferentia2: NeuronCore-v2 has cFP8 and INT8 units (lib/accelerators.ts NATIVE_PRECISIONS),
 *   but the Neuron serving stacks (transformers-neuronx, NxD Inference) quantize the weights only
 *   and dequantize them to BF16 for the matrix multiply, so int8 / fp8 serve weight-only; there
 *   is no int4 or fp4 path.
 *   @see https://awsdocs-neuron.readthedocs-hosted.com/en/latest/general/arch/neuron-hardware/neuron-core-v2.html
 *   @see https://awsdocs-neuron.readthedocs-hosted.com/en/latest/libraries/nxd-inference/developer_guides/custom-quantization.html
 * - Trainium2: adds native FP8 (cFP8) matrix units.
 *   @see https://awsdocs-neuron.readthedocs-hosted.com/en/latest/general/arch/neuron-hardware/trainium2.html
 * - TPU v5e / v5p / v6e: bf16 and int8 on the MXU; int4 weight-only; no fp8. TPU7x: bf16 and fp8
 *   native, int8 / int4 weight-only.
 *   @see https://cloud.google.com/tpu/docs/v6e
 *   @see https://cloud.google.com/tpu/docs/tpu7x
 */
import { InferenceConstructsError } from './errors.js';
import type { DeviceArchitecture, DeviceSpec } from './accelerators.js';
import { Precision } from './models.js';


/** How a device serves a precision. */
export enum PrecisionSupportKind {
  /** The matrix units compute in this format. */
  NATIVE = 'native',
  /** Weights are stored in this format and dequantized to 16-bit for compute. */
  WEIGHT_ONLY = 'weight-only',
  /** The device has no serving path for this format. */
  UNSUPPORTED = 'unsupported',
}

/** One cell of the support matrix. */
export interface PrecisionSupportEntry {
  readonly kind: PrecisionSupportKind;
  /** The format the matrix multiply runs in (the precision itself when native, else bf16 / fp16). */
  readonly computePrecision?: Precision;
  /** False where the path exists for dense layers only (mixture-of-experts layers cannot use it). */
  readonly mixtureOfExperts: boolean;
}

const N = (p: Precision): PrecisionSupportEntry => ({ kind: PrecisionSupportKind.NATIVE, computePrecision: p, mixtureOfExperts: true });
const W: PrecisionSupportEntry = { kind: PrecisionSupportKind.WEIGHT_ONLY, computePrecision: Precision.BF16, mixtureOfExperts: true };
const W_DENSE: PrecisionSupportEntry = { kind: PrecisionSupportKind.WEIGHT_ONLY, computePrecision: Precision.BF16, mixtureOfExperts: false };
const X: PrecisionSupportEntry = { kind: PrecisionSupportKind.UNSUPPORTED, mixtureOfExperts: false };

/** The matrix: device generation -> precision -> support. */
export const PRECISION_SUPPORT: { readonly [architecture: string]: { readonly [precision: string]: PrecisionSupportEntry } } = {
  // fp4 before Blackwell: weight-only, MoE included: vLLM v0.11 serves the gpt-oss MXFP4
  // experts on Hopper (Triton matmul_ogs kernels) and Ampere / Ada (Marlin MXFP4 MoE)
  // (https://docs.vllm.ai/projects/recipes/en/latest/OpenAI/GPT-OSS.html).
  ampere: { bf16: N(Precision.BF16), fp16: N(Precision.FP16), fp8: W_DENSE, int8: N(Precision.INT8), int4: W, fp4: W },
  ada: { bf16: N(Precision.BF16), fp16: N(Precision.FP16), fp8: N(Precision.FP8), int8: N(Precision.INT8), int4: W, fp4: W },
  hopper: { bf16: N(Precision.BF16), fp16: N(Precision.FP16), fp8: N(Precision.FP8), int8: N(Precision.INT8), int4: W, fp4: W },
  blackwell: { bf16: N(Precision.BF16), fp16: N(Precision.FP16), fp8: N(Precision.FP8), int8: N(Precision.INT8), int4: W, fp4: N(Precision.FP4) },
  inferentia2: { bf16: N(Precision.BF16), fp16: N(Precision.FP16), fp8: W, int8: W, int4: X, fp4: X },
  trainium2: { bf16: N(Precision.BF16), fp16: N(Precision.FP16), fp8: N(Precision.FP8), int8: W, int4: X, fp4: X },
  'tpu-v5e': { bf16: N(Precision.BF16), fp16: X, fp8: X, int8: N(Precision.INT8), int4: W, fp4: X },
  'tpu-v5p': { bf16: N(Precision.BF16), fp16: X, fp8: X, int8: N(Precision.INT8), int4: W, fp4: X },
  'tpu-v6e': { bf16: N(Precision.BF16), fp16: X, fp8: X, int8: N(Precision.INT8), int4: W, fp4: X },
  tpu7x: { bf16: N(Precision.BF16), fp16: X, fp8: N(Precision.FP8), int8: W, int4: W, fp4: X },
};

/** Precision support look-ups (a class so the API survives compilation to other languages). */
export class PrecisionSupport {
  /**
   * How `device` serves `precision`; throws CatalogueDataMissing when the catalogue row has no
   * `architecture`, PrecisionNotServable when the device (or, for `mixtureOfExperts`, its MoE path)
   * cannot serve it.
   */
  public static check(device: DeviceSpec, precision: Precision, mixtureOfExperts: boolean): PrecisionSupportEntry {
    const arch: DeviceArchitecture | undefined = device.architecture;
    if (arch === undefined) {
      throw new InferenceConstructsError('CatalogueDataMissing', {
        prop: 'instanceType',
        problem: `the catalogue row of ${device.displayName} has no architecture, so its precision support is unknown`,
        received: device.kind,
        allowed: Object.keys(PRECISION_SUPPORT),
        fix: 'add architecture to the device row in lib/accelerators.ts',
      });
    }
    const entry = PRECISION_SUPPORT[arch]?.[precision] ?? X;
    const usable = entry.kind !== PrecisionSupportKind.UNSUPPORTED && (!mixtureOfExperts || entry.mixtureOfExperts);
    if (!usable) {
      const allowed = Object.entries(PRECISION_SUPPORT[arch] ?? {})
        .filter(([, e]) => e.kind !== PrecisionSupportKind.UNSUPPORTED && (!mixtureOfExperts || e.mixtureOfExperts))
        .map(([p, e]) => `${p} (${e.kind})`);
      throw new InferenceConstructsError('PrecisionNotServable', {
        prop: 'precision',
        problem:
          `${device.displayName} (${arch}) cannot serve ${precision} weights` +
          (entry.kind !== PrecisionSupportKind.UNSUPPORTED ? ' in mixture-of-experts layers (its path is dense-only)' : ''),
        received: precision,
        allowed,
        fix: `plan one of ${allowed.join(', ')}, or a device generation that serves ${precision}`,
      });
    }
    return entry;
  }
}
