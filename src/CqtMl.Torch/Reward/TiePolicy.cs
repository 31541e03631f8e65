namespace CqtMl.Torch.Reward;

/// <summary>How tied pairs enter reward training.</summary>
public enum TiePolicy
{
    /// <summary>Ties train with target 0.5 (both rewards pulled together). The default.</summary>
    Half = 0,

    /// <summary>Ties are left out.</summary>
    Skip = 1,
}
