/** Hands `blob` to the browser as a download named `name`. */
export function download(blob: Blob, name: string): void {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = name;
  link.click();
  // The browser reads the object URL after the click returns: free it later, not now.
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}
