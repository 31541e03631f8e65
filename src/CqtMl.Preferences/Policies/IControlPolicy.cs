using CqtMl.Audio.Cqt;

namespace CqtMl.Preferences.Policies;

/// <summary>
/// Something that turns a clip's CQT into controls <c>[4, T]</c>: a generator sampled at a temperature, best-of-N with a
/// reward model, a rule. <c>cqtml evaluate</c> compares two policies on the same clips.
/// </summary>
public interface IControlPolicy : IDisposable
{
    /// <summary>Gets a short description for messages (model file, mode, temperature).</summary>
    string Description { get; }

    /// <summary>Gets what identifies the policy in a comparison row's <c>generator_sha256</c> (a model file's SHA-256, or a rule's name and parameters).</summary>
    string Identity { get; }

    /// <summary>Gets the CQT the policy reads.</summary>
    CqtOptions Cqt { get; }

    /// <summary>Gets the sampling temperature recorded with its samples (0 for a deterministic policy).</summary>
    double Temperature { get; }

    /// <summary>Gets the inference-time dropout recorded with its samples.</summary>
    double Dropout { get; }

    /// <summary>Gets the noise coherence recorded with its samples, in seconds.</summary>
    double Coherence { get; }

    /// <summary>Draws controls for a clip.</summary>
    /// <param name="cqt">The clip's CQT <c>[2, bins, T]</c>.</param>
    /// <param name="frames">T.</param>
    /// <param name="seed">The sample's seed (a deterministic policy ignores it).</param>
    /// <returns>Controls <c>[4, T]</c> in [0, 1].</returns>
    float[] Sample(float[] cqt, int frames, long seed);
}
