//! The encoder with int8 matrix products: takes the weights of a loaded model (its `VarStore`,
//! HF names: `embeddings.…`, `encoder.layer.N.…`) and returns, for a batch of rows, the last
//! hidden layer [B, T, hidden] — the computation of rust-bert's `BertModel` with
//! [`crate::runtime::LexEmbeddings`], written out here because rust-bert keeps its Linear layers
//! private. Every Linear of the encoder (query/key/value fused into one, attention output,
//! intermediate, output) runs through libtorch's fbgemm int8 kernel
//! (`fbgemm_linear_int8_weight_fp32_activation`); embeddings, layer norms, attention scores,
//! softmax and GELU stay fp32.
//!
//! Quantization is symmetric and per row on both sides, so a row's result never depends on the
//! other rows of the product (the batch-mates, threads and chunking):
//! - weights: each output channel scaled by its own largest magnitude and rounded to 7 bits
//!   (−63..63) once at load. 7 bits, not 8: fbgemm's AVX2 kernel sums pairs of u8·i8 products in
//!   16 bits with saturation, and 255·63·2 stays below 32,767, so the integer sums are exact on
//!   every CPU (with or without AVX-512 VNNI).
//! - activations: fbgemm picks one scale for the whole input matrix from its minimum and
//!   maximum. Each row is divided by its own largest magnitude (so it lies in [−1, 1]) and one
//!   extra row [−1, 1, 0, …] is appended, which pins the matrix's range to exactly [−1, 1]
//!   whatever the rows: the scale fbgemm derives is the same constant for every product, and a
//!   row's quantized values depend on that row alone. The output is multiplied back by the
//!   row's and the channel's magnitudes and the bias is added in fp32.
//!
//! Integer products are exact, so the order in which the kernel sums them (which does depend on
//! the number of rows and threads) cannot change a bit of the result.

use anyhow::{bail, Context, Result};
use std::collections::HashMap;
use tch::{nn, Device, Kind, Scalar, Tensor};

/// Largest weight magnitude after quantization (7 bits: see the module comment).
const WEIGHT_LEVELS: f64 = 63.0;

/// One Linear layer, `x · Wᵀ + b`, with int8 weights.
pub struct QLinear {
    /// [N, K] int8 (fbgemm reads only its shape; the packed copy is what it multiplies).
    weight: Tensor,
    /// fbgemm's packed form of `weight`.
    packed: Tensor,
    /// [N] int32: Σₖ weight[n, k] (fbgemm's correction for the activations' zero point).
    col_offsets: Tensor,
    /// [N] f32: each output channel's largest weight magnitude.
    channel_scale: Tensor,
    /// [N] f32
    bias: Tensor,
    /// [N] zeros: the bias fbgemm adds (ours is added after rescaling).
    zero_bias: Tensor,
    /// [1, K]: −1, 1, then zeros — the row that pins the activation range.
    range_row: Tensor,
}

/// fbgemm's two ops warn, once per process, that they are deprecated, on stderr and whatever
/// `TORCH_CPP_LOG_LEVEL` says (they are what libtorch 2.4 offers tch for int8). Both warnings are
/// set off here once, on a 1×2 product, with stderr pointed at /dev/null for the duration: at
/// model load, before any article is read.
fn spend_deprecation_warnings() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        use std::os::fd::AsRawFd;
        let Ok(null) = std::fs::OpenOptions::new().write(true).open("/dev/null") else { return };
        // SAFETY: plain descriptor calls; fd 2 is restored before returning.
        let saved = unsafe { libc::dup(2) };
        if saved < 0 || unsafe { libc::dup2(null.as_raw_fd(), 2) } < 0 {
            return;
        }
        let w = Tensor::ones([2, 2], (Kind::Int8, Device::Cpu));
        let col = Tensor::from_slice(&[2i32, 2]);
        let bias = Tensor::zeros([2], (Kind::Float, Device::Cpu));
        let x = Tensor::ones([1, 2], (Kind::Float, Device::Cpu));
        let _ = w.f_fbgemm_pack_quantized_matrix().and_then(|p| x.f_fbgemm_linear_int8_weight_fp32_activation(&w, &p, &col, Scalar::float(1.0), Scalar::int(0), &bias));
        unsafe {
            libc::dup2(saved, 2);
            libc::close(saved);
        }
    });
}

impl QLinear {
    /// Quantize `weight` [N, K] (fp32) with its `bias` [N].
    pub fn new(weight: &Tensor, bias: &Tensor) -> Result<QLinear> {
        spend_deprecation_warnings();
        let (n, k) = weight.size2().context("a Linear weight must be 2-D")?;
        if k < 2 {
            bail!("a Linear layer of {k} inputs cannot be quantized");
        }
        let w = weight.to_kind(Kind::Float).to_device(Device::Cpu);
        let channel = w.abs().amax([1i64].as_slice(), true).clamp_min(f64::from(f32::MIN_POSITIVE));
        let q = (&w / &channel * WEIGHT_LEVELS).round().clamp(-WEIGHT_LEVELS, WEIGHT_LEVELS).to_kind(Kind::Int8).contiguous();
        let packed = q
            .f_fbgemm_pack_quantized_matrix()
            .context("libtorch's int8 kernels (fbgemm) are not available on this CPU (they need AVX2): use --precision fp32")?;
        let col_offsets = q.to_kind(Kind::Int).sum_dim_intlist([1i64].as_slice(), false, Kind::Int).contiguous();
        let range_row = Tensor::zeros([1, k], (Kind::Float, Device::Cpu));
        let _ = range_row.narrow(1, 0, 1).fill_(-1.0);
        let _ = range_row.narrow(1, 1, 1).fill_(1.0);
        Ok(QLinear {
            weight: q,
            packed,
            col_offsets,
            channel_scale: channel.view([n]),
            bias: bias.to_kind(Kind::Float).to_device(Device::Cpu).contiguous(),
            zero_bias: Tensor::zeros([n], (Kind::Float, Device::Cpu)),
            range_row,
        })
    }

    /// `x` [..., K] → [..., N].
    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let mut shape = x.size();
        let k = *shape.last().context("a Linear input has at least one dimension")?;
        let x = x.reshape([-1, k]);
        let m = x.size()[0];
        // each row over its own largest magnitude, into rows 0..m; row m pins the range
        let row_scale = x.abs().amax([1i64].as_slice(), true).clamp_min(f64::from(f32::MIN_POSITIVE));
        let buf = Tensor::empty([m + 1, k], (Kind::Float, Device::Cpu));
        let _ = x.f_div_out(&buf.narrow(0, 0, m), &row_scale)?;
        let _ = buf.narrow(0, m, 1).f_copy_(&self.range_row)?;
        let y = buf
            .f_fbgemm_linear_int8_weight_fp32_activation(
                &self.weight,
                &self.packed,
                &self.col_offsets,
                Scalar::float(1.0 / WEIGHT_LEVELS),
                Scalar::int(0),
                &self.zero_bias,
            )
            .context("int8 matrix product")?
            .narrow(0, 0, m);
        let y = y * row_scale * &self.channel_scale + &self.bias;
        *shape.last_mut().unwrap() = self.channel_scale.size()[0];
        Ok(y.reshape(shape.as_slice()))
    }
}

/// LayerNorm weights.
struct Norm {
    weight: Tensor,
    bias: Tensor,
}

impl Norm {
    fn forward(&self, x: &Tensor, eps: f64) -> Tensor {
        x.layer_norm([self.weight.size()[0]].as_slice(), Some(&self.weight), Some(&self.bias), eps, true)
    }
}

/// One transformer layer.
struct Layer {
    /// query, key and value side by side: [3·hidden] outputs.
    qkv: QLinear,
    attention_out: QLinear,
    attention_norm: Norm,
    intermediate: QLinear,
    output: QLinear,
    output_norm: Norm,
}

/// The whole encoder, int8 Linear layers.
pub struct Int8Encoder {
    word: Tensor,
    position: Tensor,
    token_type: Tensor,
    lexicon: Tensor,
    embedding_norm: Norm,
    layers: Vec<Layer>,
    heads: i64,
    eps: f64,
}

impl Int8Encoder {
    /// Quantize the encoder whose weights are in `vs` (loaded, fp32): `heads` attention heads,
    /// layer-norm epsilon `eps`.
    pub fn new(vs: &nn::VarStore, heads: i64, eps: f64) -> Result<Int8Encoder> {
        let vars: HashMap<String, Tensor> = vs.variables();
        let get = |name: &str| -> Result<Tensor> {
            vars.get(name).map(|t| t.to_kind(Kind::Float).detach()).with_context(|| format!("the model has no variable {name}"))
        };
        let norm = |prefix: &str| -> Result<Norm> { Ok(Norm { weight: get(&format!("{prefix}.weight"))?, bias: get(&format!("{prefix}.bias"))? }) };
        let linear = |prefix: &str| -> Result<QLinear> { QLinear::new(&get(&format!("{prefix}.weight"))?, &get(&format!("{prefix}.bias"))?) };
        let mut layers = Vec::new();
        while vars.contains_key(&format!("encoder.layer.{}.attention.self.query.weight", layers.len())) {
            let p = format!("encoder.layer.{}", layers.len());
            let part = |w: &str, which: &str| get(&format!("{p}.attention.self.{which}.{w}"));
            let qkv_w = Tensor::cat(&[part("weight", "query")?, part("weight", "key")?, part("weight", "value")?], 0);
            let qkv_b = Tensor::cat(&[part("bias", "query")?, part("bias", "key")?, part("bias", "value")?], 0);
            layers.push(Layer {
                qkv: QLinear::new(&qkv_w, &qkv_b)?,
                attention_out: linear(&format!("{p}.attention.output.dense"))?,
                attention_norm: norm(&format!("{p}.attention.output.LayerNorm"))?,
                intermediate: linear(&format!("{p}.intermediate.dense"))?,
                output: linear(&format!("{p}.output.dense"))?,
                output_norm: norm(&format!("{p}.output.LayerNorm"))?,
            });
        }
        if layers.is_empty() {
            bail!("the model has no encoder layers (encoder.layer.0.…)");
        }
        Ok(Int8Encoder {
            word: get("embeddings.word_embeddings.weight")?,
            position: get("embeddings.position_embeddings.weight")?,
            token_type: get("embeddings.token_type_embeddings.weight")?,
            lexicon: get(crate::runtime::LEXICON_EMBEDDING)?,
            embedding_norm: norm("embeddings.LayerNorm")?,
            layers,
            heads,
            eps,
        })
    }

    /// The last hidden layer [B, T, hidden] for `input_ids`, `mask` and gazetteer tags `lex`
    /// (all [B, T]).
    pub fn forward(&self, input_ids: &Tensor, mask: &Tensor, lex: &Tensor) -> Result<Tensor> {
        let (b, t) = input_ids.size2()?;
        // embeddings: as rust-bert's BertEmbeddings, then the gazetteer vector (LexEmbeddings)
        let positions = Tensor::arange(t, (Kind::Int64, Device::Cpu)).unsqueeze(0).expand_as(input_ids);
        let types = input_ids.zeros_like();
        let x = Tensor::embedding(&self.word, input_ids, -1, false, false)
            + Tensor::embedding(&self.position, &positions, -1, false, false)
            + Tensor::embedding(&self.token_type, &types, -1, false, false);
        let mut x = self.embedding_norm.forward(&x, self.eps) + Tensor::embedding(&self.lexicon, lex, -1, false, false);
        // additive attention mask, as rust-bert's
        let m = mask.unsqueeze(1).unsqueeze(1);
        let m = ((m.ones_like() - m) * -10000.0).to_kind(Kind::Float);
        let hidden = x.size()[2];
        let d = hidden / self.heads;
        let split = |y: Tensor| y.view([b, -1, self.heads, d]).transpose(1, 2);
        for l in &self.layers {
            let qkv = l.qkv.forward(&x)?;
            let q = split(qkv.narrow(2, 0, hidden)) / (d as f64).sqrt();
            let k = split(qkv.narrow(2, hidden, hidden));
            let v = split(qkv.narrow(2, 2 * hidden, hidden));
            let scores = q.matmul(&k.transpose(-1, -2)) + &m;
            let weights = scores.softmax(-1, Kind::Float);
            let context = weights.matmul(&v).transpose(1, 2).contiguous().view([b, -1, hidden]);
            let a = l.attention_norm.forward(&(&x + l.attention_out.forward(&context)?), self.eps);
            let h = l.intermediate.forward(&a)?;
            let h = &h * 0.5 * (1.0 + (&h / 2f64.sqrt()).erf());
            x = l.output_norm.forward(&(&a + l.output.forward(&h)?), self.eps);
        }
        Ok(x)
    }
}
