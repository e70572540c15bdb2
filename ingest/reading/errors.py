"""The one error a reader raises: a file that cannot be read, said in Vietnamese."""

from __future__ import annotations

import errno


class UnreadableFileError(Exception):
    """A file could not be read; ``message`` is Vietnamese and names the file."""

    def __init__(self, path: str, message: str):
        super().__init__(message)
        self.path = path
        self.message = message


def megabytes(size: int) -> str:
    """Size in MB with a Vietnamese decimal comma: 52428800 -> "50,0"."""
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def os_error_message(name: str, error: OSError) -> str:
    """A Vietnamese message for a file-system error on ``name`` (no English errno text)."""
    if isinstance(error, PermissionError):
        return f"Không có quyền đọc '{name}'; hãy kiểm tra quyền truy cập tệp."
    if isinstance(error, IsADirectoryError):
        return f"'{name}' là thư mục, không phải tệp."
    if isinstance(error, FileNotFoundError):
        return f"Không tìm thấy tệp '{name}' (có thể vừa bị xóa hoặc đổi tên)."
    if error.errno == errno.ELOOP:
        return f"'{name}' là liên kết tượng trưng tạo vòng lặp; không có tệp nào để đọc."
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"Hết dung lượng đĩa khi xử lý '{name}'."
    code = errno.errorcode.get(error.errno or 0, str(error.errno))
    return f"Không đọc được '{name}' (lỗi hệ thống tệp {code})."

