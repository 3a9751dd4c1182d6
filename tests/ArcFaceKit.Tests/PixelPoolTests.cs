using ArcFaceKit.Imaging;

namespace ArcFaceKit.Tests;

/// <summary>Decoded uploads borrow their pixel arrays: given back on dispose, reused by the next photo of that size, never readable after.</summary>
public sealed class PixelPoolTests
{
    [Fact]
    public async Task An_image_cannot_be_read_once_its_upload_is_disposed_and_the_next_photo_reuses_its_array()
    {
        var uploads = new UploadDecoder();
        byte[] white = Png(300, 200, 255), gray = Png(300, 200, 128);
        var first = await uploads.DecodeAsync(white);
        var image = first.Image;
        byte[] array = image.Pixels;
        first.Dispose();
        first.Dispose();   // once is enough; twice gives nothing back twice

        Assert.Throws<ObjectDisposedException>(() => image.Pixels);
        Assert.Throws<ObjectDisposedException>(() => image.Crop(0, 0, 10, 10));
        using var second = await uploads.DecodeAsync(gray);
        Assert.Same(array, second.Image.Pixels);
        Assert.Equal(ImageDecoder.Decode(gray).Pixels, second.Image.Pixels);   // all of the new photo, none of the old
    }

    [Fact]
    public async Task A_photo_turned_upright_decodes_the_same_into_reused_arrays()
    {
        byte[] file = File.ReadAllBytes(Shared.Fixture("images/exif_orientation_6.jpg"));
        var expected = ImageDecoder.Decode(file).Pixels;
        var uploads = new UploadDecoder();
        for (int i = 0; i < 3; i++)   // later decodes reuse the arrays the first gave back, the sideways one included
        {
            using var decoded = await uploads.DecodeAsync(file);
            Assert.Equal(expected, decoded.Image.Pixels);
        }
    }

    [Fact]
    public void A_truncated_photo_decoded_into_a_reused_array_is_black_where_its_data_ends()
    {
        // Large enough to be decoded in several strips of rows, cut so that the later strips have no data at all.
        var partial = new DecodeOptions { AllowPartial = true };
        byte[] jpeg = ReducedDecodeTests.Jpeg(Gradient(1500, 1500));
        byte[] truncated = jpeg[..(jpeg.Length / 3)];
        var fresh = ImageDecoder.Decode(truncated, partial);
        Assert.Equal(0, fresh.Pixels[^1]);   // the cut is above the last row
        var pool = new PixelPool(long.MaxValue);
        var white = ImageDecoder.Decode(Png(1500, 1500, 255), partial, long.MaxValue, pool).Image;
        byte[] array = white.Pixels;
        white.Return();

        var reused = ImageDecoder.Decode(truncated, partial, long.MaxValue, pool).Image;
        Assert.Same(array, reused.Pixels);
        Assert.Equal(fresh.Pixels, reused.Pixels);
    }

    [Fact]
    public void Repeated_decodes_of_a_large_photo_allocate_no_new_pixel_arrays()
    {
        byte[] png = Png(2000, 2000, 90);   // 12 MB of RGB: a large-object-heap array each, without the pool
        var pool = new PixelPool(long.MaxValue);
        ImageDecoder.Decode(png, DecodeOptions.Default, long.MaxValue, pool).Image.Return();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
        {
            ImageDecoder.Decode(png, DecodeOptions.Default, long.MaxValue, pool).Image.Return();
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 2000 * 2000 * 3, $"{allocated:N0} bytes allocated by 10 decodes: pixel arrays were not reused");
    }

    [Fact]
    public void The_pool_holds_no_more_pixels_than_its_capacity_lent_and_idle_together()
    {
        var pool = new PixelPool(capacity: 100);
        var sixty = pool.Rent(60 * 3);
        pool.Return(sixty);
        Assert.Same(sixty, pool.Rent(60 * 3));
        pool.Return(sixty);

        var thirty = pool.Rent(30 * 3);   // 30 lent + 60 idle: both kept
        var fifty = pool.Rent(50 * 3);    // 80 lent: the idle 60 are dropped to make room
        Assert.NotSame(sixty, pool.Rent(60 * 3));
        pool.Return(thirty);
        pool.Return(fifty);
    }

    private static RgbImage Gradient(int width, int height)
    {
        var image = new RgbImage(width, height);
        for (int i = 0; i < image.Pixels.Length; i++)
        {
            image.Pixels[i] = (byte)((i / 3 % width) + (i / 3 / width));
        }

        return image;
    }

    private static byte[] Png(int width, int height, byte value)
    {
        var image = new RgbImage(width, height);
        image.Pixels.AsSpan().Fill(value);
        return ImageEncoder.EncodePng(image);
    }
}
