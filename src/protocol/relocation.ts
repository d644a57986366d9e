/**
 * Not in xend: the relocation server's verb for xl's own live migration stream
 * (xend's record of the domain, `(ready xlreceive)`, then xl's stream both ways).
 */
export const XL_RECEIVE = 'xlreceive';
