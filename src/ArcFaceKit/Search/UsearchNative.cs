using System.Runtime.InteropServices;

namespace ArcFaceKit.Search;

/// <summary>
/// The calls of USearch's C library (the native part of the Cloud.Unum.USearch package) this toolkit uses, bound
/// directly: its C# wrapper does not expose reserving capacity once and adding from several threads, nor changing the
/// search breadth. Every call reports failure through <c>error</c>, a static C string (never freed).
/// </summary>
internal static partial class UsearchNative
{
    private const string Library = "usearch_c";

    /// <summary>usearch_scalar_kind_t values.</summary>
    public enum Scalar : uint
    {
        Float32 = 1,
        Float16 = 3,
    }

    [LibraryImport(Library, EntryPoint = "usearch_init")]
    private static partial nint Init(ref InitOptions options, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_free")]
    public static partial void Free(nint index, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_reserve")]
    public static partial void Reserve(nint index, nuint capacity, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_change_threads_add")]
    public static partial void ThreadsAdd(nint index, nuint threads, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_change_threads_search")]
    public static partial void ThreadsSearch(nint index, nuint threads, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_change_expansion_search")]
    public static partial void ExpansionSearch(nint index, nuint expansion, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_size")]
    public static partial nuint Size(nint index, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_capacity")]
    public static partial nuint Capacity(nint index, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_add")]
    public static unsafe partial void Add(nint index, ulong key, float* vector, Scalar kind, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_remove")]
    public static partial nuint Remove(nint index, ulong key, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_dimensions")]
    public static partial nuint Dimensions(nint index, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_serialized_length")]
    public static partial nuint SerializedLength(nint index, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_save_buffer")]
    public static unsafe partial void SaveBuffer(nint index, byte* buffer, nuint length, out nint error);

    /// <summary>Replaces the index's contents with a copy of a saved one (the buffer may be released after).</summary>
    [LibraryImport(Library, EntryPoint = "usearch_load_buffer")]
    public static unsafe partial void LoadBuffer(nint index, byte* buffer, nuint length, out nint error);

    /// <summary>Makes the index a read-only view of a saved one: the buffer must outlive the index.</summary>
    [LibraryImport(Library, EntryPoint = "usearch_view_buffer")]
    public static unsafe partial void ViewBuffer(nint index, byte* buffer, nuint length, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_search")]
    public static unsafe partial nuint Search(nint index, float* query, Scalar kind, nuint count, ulong* keys, float* distances, out nint error);

    /// <summary>A new index: inner product over <paramref name="scalar"/> copies, with the graph's connectivity and breadths.</summary>
    public static nint Create(int dimension, Scalar scalar, int connectivity, int expansionAdd, int expansionSearch)
    {
        var options = new InitOptions
        {
            MetricKind = InnerProduct,
            Quantization = scalar,
            Dimensions = (nuint)dimension,
            Connectivity = (nuint)connectivity,
            ExpansionAdd = (nuint)expansionAdd,
            ExpansionSearch = (nuint)expansionSearch,
        };
        nint index = Init(ref options, out nint error);
        Check(error);
        return index;
    }

    /// <summary>Throws with the library's message when a call failed.</summary>
    public static void Check(nint error)
    {
        if (error != 0)
        {
            throw new InvalidOperationException($"USearch: {Marshal.PtrToStringUTF8(error)}");
        }
    }

    private const uint InnerProduct = 2;   // usearch_metric_ip_k

    /// <summary>usearch_init_options_t, field for field.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct InitOptions
    {
        public uint MetricKind;
        public nint Metric;
        public Scalar Quantization;
        public nuint Dimensions;
        public nuint Connectivity;
        public nuint ExpansionAdd;
        public nuint ExpansionSearch;
        public byte Multi;
    }
}
