"""Project settings (`site.yaml`): the few facts about this deployment that are not content."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    site_name: str = Field(description="网站名称")
    site_url: str = Field(description="网站地址，以 / 结尾")
    short_url_base: str = Field(description="二维码短链接的域名，例如 https://xc.example.gov.cn；可以与网站地址不同")
    sample_data: bool = Field(True, description="true 时每页都标明“示例数据”")
    operator: str = Field(description="网站运营单位")
    hotline: str = Field("12345", description="政务服务热线")
    repo_edit_url: str | None = Field(None, description="内容仓库的在线编辑地址前缀（工作人员页面的“编辑”链接）")


def load_settings(root: Path) -> Settings:
    with open(root / "site.yaml", encoding="utf-8") as f:
        return Settings.model_validate(yaml.safe_load(f))
