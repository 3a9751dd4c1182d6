using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using ArmSteps = ArcFaceKit.Search.IInt8Steps<System.Runtime.Intrinsics.Vector128<int>, System.Runtime.Intrinsics.Vector128<sbyte>, System.Runtime.Intrinsics.Vector128<sbyte>>;

namespace ArcFaceKit.Search;

/// <summary>
/// The steps of the kernels that multiply signed stored codes (ARM64's, which have no unsigned-by-signed multiply, and
/// the portable one): 16 stored codes a step less the bias (flipping the top bit subtracts 128, so the padding is zero);
/// the bias times the query's code sum is added back at the reduction (<see cref="Rebiased"/>), so their sums are the
/// unsigned stored codes' dot products, as the x86 kernels compute them. The portable kernel shares this with the ARM64
/// ones, so its test on x86 runs their loads, sign flip and bias with the same inputs.
/// </summary>
/// <typeparam name="TQuery">A step's query codes as the kernel's multiply takes them.</typeparam>
internal interface ISignedSteps<TQuery> : IInt8Steps<Vector128<int>, Vector128<sbyte>, TQuery>
{
    static int IInt8Steps<Vector128<int>, Vector128<sbyte>, TQuery>.Step => 16;

    static bool IInt8Steps<Vector128<int>, Vector128<sbyte>, TQuery>.InFours => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector128<sbyte> IInt8Steps<Vector128<int>, Vector128<sbyte>, TQuery>.Stored(ref byte stored, nuint at) =>
        (Vector128.LoadUnsafe(ref stored, at) ^ Vector128.Create((byte)0x80)).AsSByte();

    /// <summary>Four sums of signed stored codes (one a lane) as the unsigned codes' sums: plus the bias times the query's code sum.</summary>
    static Vector128<int> Rebiased(QueryCode query, Vector128<int> sums) => sums + Vector128.Create(Int8Codes.Bias * query.Sum);
}

/// <summary>The ARM64 kernels' steps but for the multiply: the query's codes as signed bytes, and the reduction in two levels of pairwise adds, rebiased.</summary>
internal interface IArmSteps : ISignedSteps<Vector128<sbyte>>
{
    static ref byte ArmSteps.QueryData(QueryCode query) => ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetArrayDataReference(query.Code));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector128<sbyte> ArmSteps.Query(ref byte query, nuint at) => Vector128.LoadUnsafe(ref query, at).AsSByte();

    static Vector128<int> ArmSteps.Sum4(QueryCode query, Vector128<int> a0, Vector128<int> a1, Vector128<int> a2, Vector128<int> a3) =>
        ISignedSteps<Vector128<sbyte>>.Rebiased(query, AdvSimd.Arm64.AddPairwise(AdvSimd.Arm64.AddPairwise(a0, a1), AdvSimd.Arm64.AddPairwise(a2, a3)));
}
